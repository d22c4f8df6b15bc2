import type { Logger } from 'pino';
import type { BackgroundWorker } from './service-lifecycle';

/**
 * Work a service does every `intervalMs` (a purge, a cleanup), registered with its lifecycle like any worker. A round
 * that fails is logged and the next one tries again; the timer does not keep the process alive.
 */
export class IntervalWorker implements BackgroundWorker {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly logger: Logger,
    private readonly options: { runAtStart?: boolean } = {},
  ) {}

  start(): Promise<void> {
    if (this.options.runAtStart) void this.round();
    this.timer = setInterval(() => void this.round(), this.intervalMs);
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

  /** One round now; what the timer runs. */
  async round(): Promise<void> {
    try {
      await this.work();
    } catch (error) {
      this.logger.warn({ err: error, worker: this.name }, `${this.name} failed; will try again`);
    }
  }
}
