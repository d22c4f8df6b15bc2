import type { PostgresProcessedEvents } from '@tessera/messaging';
import type { Logger } from 'pino';
import type { BackgroundWorker } from '../service-lifecycle';

const EVERY_MS = 60 * 60 * 1000;

/** Deletes the ids of events applied long ago, hourly, so the idempotency table does not grow for ever. */
export class ProcessedEventRetention implements BackgroundWorker {
  readonly name = 'processed-event retention';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly processedEvents: PostgresProcessedEvents,
    private readonly retentionDays: number,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    void this.purge();
    this.timer = setInterval(() => void this.purge(), EVERY_MS);
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

  private async purge(): Promise<void> {
    try {
      const forgotten = await this.processedEvents.purgeOlderThan(this.retentionDays);
      if (forgotten > 0)
        this.logger.info({ forgotten, retentionDays: this.retentionDays }, 'old processed-event ids purged');
    } catch (error) {
      this.logger.warn({ err: error }, 'purging processed-event ids failed; will try again');
    }
  }
}
