import type { ReplyError } from '@tessera/contracts';

/** What a request was: `token.issue@v1`. */
export function requestLabel(definition: { type: string; version: number }): string {
  return `${definition.type}@v${definition.version}`;
}

/** Every way `KafkaRequester.request` can fail; `request` names the exchange, e.g. `token.issue@v1`. */
export abstract class RequestError extends Error {
  constructor(
    readonly request: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The caller's data does not fit the request's schema: a bug in the caller, nothing was sent. */
export class InvalidRequestDataError extends RequestError {
  constructor(
    request: string,
    readonly reason: string,
  ) {
    super(request, `${request} request data is invalid (nothing was sent): ${reason}`);
  }
}

/** No reply within the timeout. The responder may still answer later; that reply is dropped. */
export class RequestTimeoutError extends RequestError {
  constructor(
    request: string,
    readonly timeoutMs: number,
    readonly correlationId: string,
  ) {
    super(
      request,
      `no reply to ${request} within ${timeoutMs} ms (correlation id ${correlationId}): ` +
        'the answering service may be down or overloaded',
    );
  }
}

/** The responder answered with an error: `code` says what kind, `responderMessage` is for logs only. */
export class RequestFailedError extends RequestError {
  readonly code: ReplyError['code'];
  readonly responderMessage: string;

  constructor(request: string, error: ReplyError) {
    super(request, `${request} failed: ${error.code}: ${error.message}`);
    this.code = error.code;
    this.responderMessage = error.message;
  }
}

/** A reply came for this request but its body is not JSON or does not fit the reply schema. */
export class MalformedReplyError extends RequestError {
  constructor(
    request: string,
    readonly reason: string,
  ) {
    super(request, `malformed reply to ${request}: ${reason}`);
  }
}

/** The requester is not started, is stopping, or its reply consumer crashed: no reply could be read. */
export class RequesterNotRunningError extends RequestError {
  /** `reason` completes "the requester ...": "is not started", "is stopping", "crashed (...)". */
  constructor(
    request: string,
    readonly reason: string,
  ) {
    super(request, `cannot complete ${request}: the requester ${reason}`);
  }
}

/** More requests are waiting for replies than the requester allows: the answering side is not keeping up. */
export class TooManyPendingRequestsError extends RequestError {
  constructor(
    request: string,
    readonly maxPending: number,
  ) {
    super(request, `${request} refused: ${maxPending} requests are already waiting for replies`);
  }
}

/** Kafka did not take the request (the producer gave up after its retries). */
export class RequestNotSentError extends RequestError {
  constructor(request: string, cause: unknown) {
    super(request, `${request} could not be sent to Kafka: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}
