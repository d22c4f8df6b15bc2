import type { BackgroundWorker } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import type { ChallengeStore } from './challenge-store';

/**
 * How long an expired challenge is kept: within it a late or replayed attestation is told `expired-nonce` or
 * `used-nonce`; after it, `unknown-nonce`. Both fail the same way; the difference is for the audit trail.
 */
const GRACE_SECONDS = 600;

/** Deletes expired challenges every `intervalMs`, so the table holds minutes of challenges, not their history. */
export class ChallengeCleanup implements BackgroundWorker {
  readonly name = 'challenge cleanup';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly challenges: ChallengeStore,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    this.timer = setInterval(() => void this.purge(), this.intervalMs);
    this.timer.unref();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    return Promise.resolve();
  }

  isHealthy(): boolean {
    return true;
  }

  async purge(): Promise<number> {
    try {
      const purged = await this.challenges.purgeExpired(GRACE_SECONDS);
      if (purged > 0) this.logger.debug({ purged }, 'expired challenges deleted');
      return purged;
    } catch (error) {
      this.logger.warn({ err: error }, 'deleting expired challenges failed; will try again');
      return 0;
    }
  }
}
