import type { PostgresProcessedEvents } from '@tessera/messaging';
import type { Logger } from 'pino';
import { IntervalWorker } from '../interval-worker';

const EVERY_MS = 60 * 60 * 1000;

/** Deletes the ids of events applied long ago, at start and hourly, so the idempotency table does not grow for ever. */
export function processedEventRetention(
  processedEvents: PostgresProcessedEvents,
  retentionDays: number,
  logger: Logger,
): IntervalWorker {
  return new IntervalWorker(
    'processed-event retention',
    EVERY_MS,
    async () => {
      const forgotten = await processedEvents.purgeOlderThan(retentionDays);
      if (forgotten > 0) logger.info({ forgotten, retentionDays }, 'old processed-event ids purged');
    },
    logger,
    { runAtStart: true },
  );
}
