import type { Logger } from 'pino';
import type { BackgroundWorker } from './service-lifecycle';

/**
 * Work a service does every `intervalMs` (a purge, a cleanup), registered with its lifecycle like any worker. A round
 * that fails is logged and the next one tries again; a tick that comes while a round still runs (a slow database) is
 * skipped, so rounds never pile up nor overlap; the timer does not keep the process alive.
 */
export class IntervalWorker implements BackgroundWorker {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly logger: Logger,
    private readonly options: { runAtStart?: boolean } = {},
  ) {}

  start(): Promise<void> {
    if (this.options.runAtStart) void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
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

  /** The timer's round: none while the last one still runs. */
  private tick(): Promise<void> {
    this.inFlight ??= this.round().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** One round now. */
  async round(): Promise<void> {
    try {
      await this.work();
    } catch (error) {
      this.logger.warn({ err: error, worker: this.name }, `${this.name} failed; will try again`);
    }
  }
}
