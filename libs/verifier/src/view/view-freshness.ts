/** What a verifier does once its view is older than the limit: go on deciding from it, or refuse every token. */
export const STALE_VIEW_MODES = ['keep-serving', 'fail-closed'] as const;
export type StaleViewMode = (typeof STALE_VIEW_MODES)[number];

export interface StalenessPolicy {
  /** How old the view may get (time since it was last known to hold every event) before it counts as stale. */
  maxStalenessMs: number;
  whenStale: StaleViewMode;
}

export const DEFAULT_STALENESS_POLICY: StalenessPolicy = { maxStalenessMs: 300_000, whenStale: 'keep-serving' };

/** A reading of the topics' ends, kept until the view holds everything it counted. */
interface PendingReading<Ends> {
  readAt: number;
  ends: Ends;
}

/** Readings kept while the view lags; the oldest go first (a newer reading met is as good an answer). */
const MAX_PENDING_READINGS = 32;

/**
 * How current a verifier's view of keys and revocations is. The view is "current as of T" once it holds every
 * event that was on the topics at T (a reading of the topics' ends taken at T has been caught up with). Staleness
 * is the time since the latest such T: it grows while the broker is unreachable, since no reading can be taken,
 * and while the view lags behind. Never current yet (still rebuilding) counts as stale.
 */
export class ViewFreshness<Ends = unknown> {
  private currentAt: number | undefined;
  private readonly pending: PendingReading<Ends>[] = [];
  /** Messages the view lacked at the latest reading; undefined before the first. */
  lag: number | undefined;

  constructor(readonly policy: StalenessPolicy = DEFAULT_STALENESS_POLICY) {
    if (!Number.isFinite(policy.maxStalenessMs) || policy.maxStalenessMs <= 0) {
      throw new RangeError('maxStalenessMs must be a positive number of milliseconds');
    }
  }

  /** When the view was last known current (epoch ms). */
  get lastCurrentAt(): number | undefined {
    return this.currentAt;
  }

  /**
   * A reading of the topics' ends taken at `readAt`, then every reading not yet met checked with `lagBehind`
   * (how many messages of those ends the view has not applied).
   */
  observe(readAt: number, ends: Ends, lagBehind: (ends: Ends) => number): void {
    this.pending.push({ readAt, ends });
    if (this.pending.length > MAX_PENDING_READINGS) this.pending.shift();
    this.recheck(lagBehind);
    this.lag = lagBehind(ends);
  }

  /** Checks the readings not yet met against what the view holds now (after it applied more events). */
  recheck(lagBehind: (ends: Ends) => number): void {
    // The newest reading met wins; every older one is met too, since offsets only grow.
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const reading = this.pending[i] as PendingReading<Ends>;
      if (lagBehind(reading.ends) === 0) {
        this.currentAt = Math.max(this.currentAt ?? 0, reading.readAt);
        this.pending.splice(0, i + 1);
        return;
      }
    }
  }

  /** Milliseconds since the view was last known current; Infinity while it never was. */
  stalenessMs(now: number = Date.now()): number {
    return this.currentAt === undefined ? Infinity : Math.max(0, now - this.currentAt);
  }

  isStale(now: number = Date.now()): boolean {
    return this.stalenessMs(now) > this.policy.maxStalenessMs;
  }

  /** Whether tokens are to be refused now: the view is stale and the policy is to fail closed. */
  refusesTokens(now: number = Date.now()): boolean {
    return this.policy.whenStale === 'fail-closed' && this.isStale(now);
  }
}
