/**
 * What went wrong in an attestation round. `network`, `timeout`, `http` and `bad-response` are the service's side (or
 * the way to it) and hold further rounds back (RetryFloor); `measurement`, `device-signals` and `key-store` are the
 * app's own providers and do not.
 */
export const TESSERA_ERROR_KINDS = [
  /** fetch itself failed: no connection, DNS, TLS. */
  'network',
  /** No complete answer within `requestTimeoutMs`. */
  'timeout',
  /** The service answered with an error status (a 429 or 503 may carry Retry-After). */
  'http',
  /** The service answered 2xx with a body the contract refuses. */
  'bad-response',
  /** The app measurement (or its provider) failed or does not fit the contract. */
  'measurement',
  /** The device signal provider failed or gave signals that do not fit the contract. */
  'device-signals',
  /** The installation key store failed, or holds something that is not an installation key. */
  'key-store',
] as const;
export type TesseraErrorKind = (typeof TESSERA_ERROR_KINDS)[number];

/** The request of the round that failed. */
export type AttestationStep = 'challenge' | 'attest';

export interface TesseraErrorDetails {
  step?: AttestationStep;
  /** The HTTP status, for `http`. */
  status?: number;
  /** The service's reason code, when its error body names one. */
  reason?: string;
  /** The service's request id, when its error body has one: quote it to the operators. */
  requestId?: string;
  /** Retry-After, in milliseconds, when the service sent one. */
  retryAfterMs?: number;
  /** When the next round may be tried (epoch ms, the client's clock); set once the round is over. */
  retryAt?: number;
  cause?: unknown;
}

/** Every failure of `token()` and what builds on it (`headers`, `attach`, `fetch`): one type to catch. */
export class TesseraError extends Error {
  override readonly name = 'TesseraError';
  readonly step?: AttestationStep;
  readonly status?: number;
  readonly reason?: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly retryAt?: number;

  constructor(
    readonly kind: TesseraErrorKind,
    message: string,
    details: TesseraErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.step = details.step;
    this.status = details.status;
    this.reason = details.reason;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.retryAt = details.retryAt;
  }

  /** Whether the failure is the service's (or the network's), which holds further rounds back. */
  get isServiceFailure(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'http' || this.kind === 'bad-response';
  }

  /** The same error, told when the next round may be tried. */
  withRetryAt(retryAt: number): TesseraError {
    const { step, status, reason, requestId, retryAfterMs } = this;
    return new TesseraError(this.kind, this.message, {
      step,
      status,
      reason,
      requestId,
      retryAfterMs,
      retryAt,
      cause: this.cause,
    });
  }
}
