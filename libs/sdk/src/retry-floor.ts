import type { TesseraError } from './errors';

export interface RetryFloorOptions {
  /** The wait after the first failed round; it doubles with each further one. */
  initialMs?: number;
  maxMs?: number;
  /** The longest Retry-After honoured, so a bad header cannot stop the app for a day. */
  maxRetryAfterMs?: number;
  /** In [0, 1): spreads the waits of many devices (up to half as long again). Tests pin it. */
  random?: () => number;
}

/**
 * Holds attestation rounds back after the service failed, so a broken or overloaded service is not hammered by every
 * device at once: after n consecutive failures no round starts for initialMs·2^(n-1) (at most maxMs), plus jitter,
 * or for the service's Retry-After if that is longer. A round that succeeds lifts it. Only the service's failures
 * count (TesseraError.isServiceFailure); the app's own providers failing hold nothing back.
 */
export class RetryFloor {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;
  private failures = 0;
  private notBefore = 0;
  private lastError: TesseraError | undefined;

  constructor(options: RetryFloorOptions = {}) {
    this.initialMs = options.initialMs ?? 1_000;
    this.maxMs = options.maxMs ?? 60_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 600_000;
    this.random = options.random ?? Math.random;
  }

  /** The last round's error while the floor holds the next round back, else undefined. */
  holding(now: number): TesseraError | undefined {
    return now < this.notBefore ? this.lastError : undefined;
  }

  /** Records a failed round; returns its error told when the next round may start. */
  failed(error: TesseraError, now: number): TesseraError {
    if (!error.isServiceFailure) return error;
    this.failures += 1;
    const backoff = Math.min(this.maxMs, this.initialMs * 2 ** (this.failures - 1)) * (1 + this.random() / 2);
    const retryAfter = Math.min(error.retryAfterMs ?? 0, this.maxRetryAfterMs);
    this.notBefore = now + Math.max(Math.round(backoff), retryAfter);
    this.lastError = error.withRetryAt(this.notBefore);
    return this.lastError;
  }

  succeeded(): void {
    this.failures = 0;
    this.notBefore = 0;
    this.lastError = undefined;
  }
}
