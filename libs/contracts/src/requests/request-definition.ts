import { z } from 'zod';
import type { TopicDefinition } from '../topics';

/**
 * One request/reply exchange over Kafka at one version: the topic requests go to, the topic replies come back on,
 * and the shapes of both. A request is not an event: it is consumed once (by one member of the answering service's
 * group), carries its reply address in headers and is worth answering only until its deadline.
 */
export interface RequestDefinition<Request extends z.ZodType = z.ZodType, Result extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly version: number;
  readonly requestTopic: TopicDefinition;
  readonly replyTopic: TopicDefinition;
  readonly request: Request;
  /** What a successful reply carries. */
  readonly result: Result;
  /**
   * The request's partition key: it spreads requests over the partitions, and so over the answering service's
   * instances. Responders answer concurrently, so requests of one key are not answered in order.
   */
  readonly key: (request: z.output<Request>) => string;
  readonly description: string;
}

export type RequestData<Definition extends RequestDefinition> = z.output<Definition['request']>;
export type ResultData<Definition extends RequestDefinition> = z.output<Definition['result']>;

export function defineRequest<Request extends z.ZodType, Result extends z.ZodType>(
  definition: RequestDefinition<Request, Result>,
): RequestDefinition<Request, Result> {
  return definition;
}

/** Kafka headers of requests and replies: routing never needs to parse the body. */
export const RequestHeaders = {
  /** Unique per request; the reply carries the same value. */
  correlationId: 'tessera-correlation-id',
  /** The requesting instance: only it takes the reply. */
  replyTo: 'tessera-reply-to',
  /** Epoch milliseconds after which nobody waits for the answer: the responder drops the request unanswered. */
  deadline: 'tessera-deadline',
  type: 'tessera-request-type',
  version: 'tessera-request-version',
  contentType: 'content-type',
} as const;

/** Why a request was refused or failed; `message` is for logs and operators, never shown to a client. */
export const REPLY_ERROR_CODES = ['invalid-request', 'unsupported', 'unavailable', 'internal'] as const;
export const ReplyErrorSchema = z.object({
  code: z.enum(REPLY_ERROR_CODES),
  message: z.string().max(2000),
});
export type ReplyError = z.output<typeof ReplyErrorSchema>;

/** A reply's body: the result, or an error. */
export function replySchema<Result extends z.ZodType>(result: Result) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), result }),
    z.object({ ok: z.literal(false), error: ReplyErrorSchema }),
  ]);
}
