import type { RequestDefinition } from '@tessera/contracts';
import { requestLabel, RequestTimeoutError, TooManyPendingRequestsError } from './request-errors';

/** A request waiting for its reply. Exactly one of reply, timeout or `rejectAll` settles it. */
export interface PendingRequest {
  readonly correlationId: string;
  readonly definition: RequestDefinition;
  /** performance.now() when it was registered, for the round-trip time. */
  readonly startedAt: number;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

interface Entry extends PendingRequest {
  timer: NodeJS.Timeout;
}

export interface PendingRequestsOptions {
  maxPending: number;
  /** How many timed-out ids to remember, so that their replies count as late rather than unknown. */
  rememberTimedOut?: number;
  onTimeout?: (request: PendingRequest) => void;
}

/**
 * The requests of one requester that wait for a reply, by correlation id. Every one has a timer, so none waits
 * forever; the table is bounded, so a responder that stopped answering cannot make the requester grow without end.
 */
export class PendingRequests {
  private readonly pending = new Map<string, Entry>();
  /** Ids that timed out, oldest first (a Set keeps insertion order), bounded by `rememberTimedOut`. */
  private readonly timedOut = new Set<string>();
  private readonly rememberTimedOut: number;

  constructor(private readonly options: PendingRequestsOptions) {
    this.rememberTimedOut = options.rememberTimedOut ?? options.maxPending;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Registers a request and starts its timer; throws TooManyPendingRequestsError when the table is full. */
  add(correlationId: string, definition: RequestDefinition, timeoutMs: number): Promise<unknown> {
    if (this.pending.size >= this.options.maxPending) {
      throw new TooManyPendingRequestsError(requestLabel(definition), this.options.maxPending);
    }
    if (this.pending.has(correlationId)) throw new Error(`correlation id ${correlationId} is already pending`);
    return new Promise((resolve, reject) => {
      const entry: Entry = {
        correlationId,
        definition,
        startedAt: performance.now(),
        resolve,
        reject,
        timer: setTimeout(() => {
          this.expire(entry, timeoutMs);
        }, timeoutMs),
      };
      this.pending.set(correlationId, entry);
    });
  }

  /** Removes the request a reply is for, with its timer; undefined when nobody waits for that id (any more). */
  take(correlationId: string): PendingRequest | undefined {
    const entry = this.pending.get(correlationId);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.pending.delete(correlationId);
    return entry;
  }

  /** For a reply nobody waits for: to a request that timed out (late), or to none we know of (unknown)? */
  classifyOrphan(correlationId: string): 'late' | 'unknown' {
    // Forgotten once seen: a second reply to the same request is a duplicate, not a sign of slowness.
    return this.timedOut.delete(correlationId) ? 'late' : 'unknown';
  }

  /** Settles every pending request with an error (the requester is stopping). */
  rejectAll(error: (request: PendingRequest) => Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) {
      clearTimeout(entry.timer);
      entry.reject(error(entry));
    }
  }

  private expire(entry: Entry, timeoutMs: number): void {
    if (this.pending.get(entry.correlationId) !== entry) return;
    this.pending.delete(entry.correlationId);
    this.timedOut.add(entry.correlationId);
    if (this.timedOut.size > this.rememberTimedOut) {
      const oldest = this.timedOut.values().next();
      if (!oldest.done) this.timedOut.delete(oldest.value);
    }
    this.options.onTimeout?.(entry);
    entry.reject(new RequestTimeoutError(requestLabel(entry.definition), timeoutMs, entry.correlationId));
  }
}
