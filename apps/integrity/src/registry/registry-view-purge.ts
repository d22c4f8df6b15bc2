import type { RegistryView } from '@tessera/registry-view';
import type { BackgroundWorker } from '@tessera/service-runtime';
import type { Logger } from 'pino';

const EVERY_MS = 60_000;

/** Forgets expired registrations, overrides and revocations once a minute (they no longer count anyway). */
export class RegistryViewPurge implements BackgroundWorker {
  readonly name = 'registry view purge';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly view: RegistryView,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    this.timer = setInterval(() => {
      try {
        this.view.purgeExpired(Date.now());
      } catch (error) {
        this.logger.warn({ err: error }, 'purging the registry view failed; will try again');
      }
    }, EVERY_MS);
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
}
