import type { DatabaseConnection } from '@tessera/database';
import type { OutboxRelay } from '@tessera/messaging';
import type { Logger } from 'pino';
import type { KafkaRuntime } from './kafka/kafka-runtime';

/** Anything with a start and a graceful stop that the service runs besides HTTP (Kafka consumers, mostly). */
export interface BackgroundWorker {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the service's connections in the background and stops them in a safe order on shutdown: consumers
 * first (their in-flight event finishes), then the outbox relay (its batch is published and marked), then
 * Kafka, then the database. Nest calls `shutdown` after the HTTP server has stopped taking requests.
 */
export class ServiceLifecycle {
  private readonly workers: BackgroundWorker[] = [];
  private shuttingDown = false;

  constructor(
    private readonly logger: Logger,
    private readonly kafka: KafkaRuntime,
    private readonly database?: DatabaseConnection,
    private readonly relay?: OutboxRelay,
  ) {}

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Workers start once their dependencies are ready (database migrated when there is one, topics provisioned). */
  register(worker: BackgroundWorker): void {
    this.workers.push(worker);
  }

  start(): void {
    this.kafka.start();
    this.database?.start();
    void this.startWhenReady();
  }

  async shutdown(signal?: string): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.logger.info({ signal }, 'shutting down');
    for (const worker of [...this.workers].reverse()) {
      await worker.stop().catch((error: unknown) => {
        this.logger.warn({ worker: worker.name, err: { message: String(error) } }, 'worker did not stop cleanly');
      });
    }
    await this.relay?.stop();
    await this.kafka.stop();
    await this.database?.stop();
    this.logger.info('stopped');
  }

  private async startWhenReady(): Promise<void> {
    await this.database?.ready;
    if (this.shuttingDown) return;
    await this.relay?.start();
    for (const worker of this.workers) {
      void this.startWorker(worker);
    }
  }

  private async startWorker(worker: BackgroundWorker): Promise<void> {
    for (let attempt = 0; !this.shuttingDown; attempt++) {
      if (!this.kafka.isProvisioned) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      try {
        await worker.start();
        return;
      } catch (error) {
        this.logger.warn(
          { worker: worker.name, attempt, err: { message: String(error) } },
          'worker failed to start; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** Math.min(attempt, 5))));
      }
    }
  }
}
