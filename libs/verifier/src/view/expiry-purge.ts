/** Something holding entries that stop counting at a time of their own (revocations, verified tokens). */
export interface ExpiringEntries {
  purgeExpired(now?: number): number;
}

/**
 * Forgets what has expired, every `intervalMs`: an expired revocation already counts as lifted and an expired token
 * is already refused, so this only gives their memory back (a busy node sees many short revocations and tokens).
 * A BackgroundWorker, always healthy.
 */
export class ExpiryPurge {
  readonly name = 'expiry purge';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly targets: readonly ExpiringEntries[],
    private readonly intervalMs = 60_000,
  ) {}

  start(): Promise<void> {
    this.timer = setInterval(() => this.purge(), this.intervalMs);
    this.timer.unref();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    return Promise.resolve();
  }

  isHealthy(): boolean {
    return true;
  }

  /** How many entries went, over every target. */
  purge(now: number = Date.now()): number {
    return this.targets.reduce((purged, target) => purged + target.purgeExpired(now), 0);
  }
}
