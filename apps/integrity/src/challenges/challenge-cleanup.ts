import { IntervalWorker } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import type { ChallengeStore } from './challenge-store';

/**
 * How long an expired challenge is kept: within it a late or replayed attestation is told `expired-nonce` or
 * `used-nonce`; after it, `unknown-nonce`. Both fail the same way; the difference is for the audit trail.
 */
export const CHALLENGE_GRACE_SECONDS = 600;

/** Deletes expired challenges every `intervalMs`, so the table holds minutes of challenges, not their history. */
export function challengeCleanup(challenges: ChallengeStore, intervalMs: number, logger: Logger): IntervalWorker {
  return new IntervalWorker(
    'challenge cleanup',
    intervalMs,
    async () => {
      const purged = await challenges.purgeExpired(CHALLENGE_GRACE_SECONDS);
      if (purged > 0) logger.debug({ purged }, 'expired challenges deleted');
    },
    logger,
  );
}
