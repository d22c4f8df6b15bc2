import type { DatabaseConnection } from '@tessera/database';
import type { OutboxRelay } from '@tessera/messaging';
import { backoffDelay, sleep, withDeadline } from '@tessera/timing';
import type { Logger } from 'pino';
import type { KafkaRuntime } from './kafka/kafka-runtime';

/** Anything with a start and a graceful stop that the service runs besides HTTP (Kafka consumers, mostly). */
export interface BackgroundWorker {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The last stop, at shutdown, when it differs from stop() (a view consumer deletes its group); else stop(). */
  shutdown?(): Promise<void>;
  /** False while the worker cannot do its job (crashed, or still catching up): the service is then not ready. */
  isHealthy(): boolean;
  /** True when the worker has given up and must be stopped and started again (a crashed Kafka consumer). */
  needsRestart?(): boolean;
}

/** How often crashed workers are looked for. */
const WATCH_INTERVAL_MS = 5000;

/** Longest wait for each shutdown step; together they stay within the default SHUTDOWN_TIMEOUT_MS. */
const STEP_DEADLINE_MS = 2500;

/**
 * Starts the service's connections in the background and stops them in a safe order on shutdown: consumers
 * first (their in-flight event finishes), then the outbox relay (its batch is published and marked, or rolled
 * back), then Kafka, then the database. Nest calls `shutdown` after the HTTP server has stopped taking requests.
 */
export class ServiceLifecycle {
  private readonly workers: BackgroundWorker[] = [];
  private readonly started = new Set<BackgroundWorker>();
  /** Started at least once: a worker being restarted is as healthy as it says (a consumer says no while down). */
  private readonly everStarted = new Set<BackgroundWorker>();
  private shuttingDown = false;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly kafka: KafkaRuntime,
    private readonly database?: DatabaseConnection,
    private readonly relay?: OutboxRelay,
    private readonly watchIntervalMs = WATCH_INTERVAL_MS,
  ) {}

  /** Workers start once their dependencies are ready (database migrated when there is one, topics provisioned). */
  register(worker: BackgroundWorker): void {
    this.workers.push(worker);
  }

  /** Names of registered workers that are not started yet or not healthy. */
  unhealthyWorkers(): string[] {
    return this.workers.filter((w) => !this.everStarted.has(w) || !w.isHealthy()).map((w) => w.name);
  }

  start(): void {
    this.kafka.start();
    this.database?.start();
    void this.startWhenReady();
    this.watchdog = setInterval(() => {
      this.restartCrashedWorkers();
    }, this.watchIntervalMs);
    this.watchdog.unref();
  }

  async shutdown(signal?: string): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.logger.info({ signal }, 'shutting down');
    clearInterval(this.watchdog);
    // Workers are independent of each other: they stop together, within one step's time.
    await Promise.all(
      this.workers.map((worker) => this.step(worker.name, () => (worker.shutdown ?? worker.stop).call(worker))),
    );
    if (this.relay) {
      const relay = this.relay;
      // Leaves time within the step for releasing the LISTEN connection after the batch.
      await this.step('outbox relay', () => relay.stop(STEP_DEADLINE_MS - 1000));
    }
    await this.step('kafka', () => this.kafka.stop());
    if (this.database) {
      const database = this.database;
      await this.step('database', () => database.stop());
    }
    this.logger.info('stopped');
  }

  /** One shutdown step, bounded: a step that hangs (a peer that went silent) must not eat the others' time. */
  private async step(name: string, work: () => Promise<void>): Promise<void> {
    const outcome = await withDeadline(
      work().then(
        () => 'done' as const,
        (error: unknown) => {
          this.logger.warn({ step: name, err: { message: String(error) } }, 'did not stop cleanly');
          return 'failed' as const;
        },
      ),
      STEP_DEADLINE_MS,
      'timed out' as const,
    );
    if (outcome === 'timed out')
      this.logger.warn({ step: name, deadlineMs: STEP_DEADLINE_MS }, 'gave up waiting to stop');
  }

  private async startWhenReady(): Promise<void> {
    await this.database?.ready;
    if (this.shuttingDown) return;
    await this.relay?.start();
    for (const worker of this.workers) {
      void this.startWorker(worker);
    }
  }

  /** A worker that gave up (kafkajs stops retrying a consumer after some errors) is stopped and started again. */
  private restartCrashedWorkers(): void {
    if (this.shuttingDown) return;
    for (const worker of this.workers) {
      if (!this.started.has(worker) || !worker.needsRestart?.()) continue;
      this.started.delete(worker);
      this.logger.warn({ worker: worker.name }, 'worker gave up; restarting it');
      void this.step(worker.name, () => worker.stop()).then(() => this.startWorker(worker));
    }
  }

  private async startWorker(worker: BackgroundWorker): Promise<void> {
    for (let attempt = 0; !this.shuttingDown; attempt++) {
      if (!this.kafka.isProvisioned) {
        await sleep(250);
        continue;
      }
      try {
        await worker.start();
        this.started.add(worker);
        this.everStarted.add(worker);
        return;
      } catch (error) {
        this.logger.warn(
          { worker: worker.name, attempt, err: { message: String(error) } },
          'worker failed to start; retrying',
        );
        await sleep(backoffDelay(attempt, 250, 5000));
      }
    }
  }
}
