import { errorDetails, type MessagingLogger } from '@tessera/messaging';
import { backoffDelay, withDeadline } from '@tessera/timing';
import type { ViewWorker } from './view-workers';

/** How often workers that gave up are looked for (as a service's lifecycle does). */
const WATCH_INTERVAL_MS = 5000;
/** Longest wait for one worker to stop: a broker gone silent must not hold up the API server's shutdown. */
const STOP_DEADLINE_MS = 2500;

/**
 * Runs a view's workers outside a Tessera service, as a service's lifecycle does inside one: starts each in the
 * background, retrying while Kafka is away; starts again one that gave up (a crashed consumer); stops them, bounded.
 */
export class WorkerSupervisor {
  private readonly started = new Set<ViewWorker>();
  /** Started at least once: one being restarted is as healthy as it says (a consumer, once caught up, stays so). */
  private readonly everStarted = new Set<ViewWorker>();
  /** Starts in progress, awaited on stop so that nothing is left connecting behind it. */
  private readonly starting = new Set<Promise<void>>();
  /** Ends the backoff pauses of starts being retried, on stop. */
  private readonly wakeUps = new Set<() => void>();
  private stopped = false;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly workers: readonly ViewWorker[],
    private readonly logger: MessagingLogger,
    private readonly watchIntervalMs = WATCH_INTERVAL_MS,
  ) {}

  start(): void {
    for (const worker of this.workers) this.startInBackground(worker);
    this.watchdog = setInterval(() => {
      this.restartCrashed();
    }, this.watchIntervalMs);
    this.watchdog.unref();
  }

  /** Names of the workers not started yet or not healthy: the view is ready when there are none. */
  unhealthyWorkers(): string[] {
    return this.workers.filter((w) => !this.everStarted.has(w) || !w.isHealthy()).map((w) => w.name);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    for (const wakeUp of this.wakeUps) wakeUp();
    await Promise.all(this.workers.map((worker) => this.stopWorker(worker, 'last')));
    // A start hanging on a silent broker is given up on, as a stop is.
    await withDeadline(Promise.all(this.starting), STOP_DEADLINE_MS, undefined);
  }

  private startInBackground(worker: ViewWorker): void {
    const starting = this.startWorker(worker).finally(() => this.starting.delete(starting));
    this.starting.add(starting);
  }

  private async startWorker(worker: ViewWorker): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await worker.start();
        // stop() came while it was starting: it has to be stopped once more, now that there is something to stop.
        if (this.hasStopped()) {
          await this.stopWorker(worker, 'last');
          return;
        }
        this.started.add(worker);
        this.everStarted.add(worker);
        return;
      } catch (error) {
        this.logger.warn({ ...errorDetails(error), worker: worker.name, attempt }, 'worker failed to start; retrying');
        await this.pause(backoffDelay(attempt, 250, 5000));
      }
    }
  }

  private restartCrashed(): void {
    for (const worker of this.workers) {
      if (this.stopped || !this.started.has(worker) || !worker.needsRestart?.()) continue;
      this.started.delete(worker);
      this.logger.warn({ worker: worker.name }, 'worker gave up; restarting it');
      void this.stopWorker(worker).then(() => {
        if (!this.stopped) this.startInBackground(worker);
      });
    }
  }

  private async stopWorker(worker: ViewWorker, which: 'last' | 'to-restart' = 'to-restart'): Promise<void> {
    const stopping = which === 'last' && worker.shutdown ? worker.shutdown() : worker.stop();
    const outcome = await withDeadline(
      stopping.then(
        () => 'stopped' as const,
        (error: unknown) => {
          this.logger.warn({ ...errorDetails(error), worker: worker.name }, 'worker did not stop cleanly');
          return 'failed' as const;
        },
      ),
      STOP_DEADLINE_MS,
      'timed out' as const,
    );
    if (outcome === 'timed out') {
      this.logger.warn({ worker: worker.name, deadlineMs: STOP_DEADLINE_MS }, 'gave up waiting for a worker to stop');
    }
  }

  /** A method, not the field: the field read after an await would look unchanged to the type checker. */
  private hasStopped(): boolean {
    return this.stopped;
  }

  /** Sleeps, but wakes at once when the supervisor stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wakeUp = () => {
        clearTimeout(timer);
        this.wakeUps.delete(wakeUp);
        resolve();
      };
      const timer = setTimeout(wakeUp, ms);
      this.wakeUps.add(wakeUp);
    });
  }
}
