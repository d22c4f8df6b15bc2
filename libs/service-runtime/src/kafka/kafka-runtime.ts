import type { TopicDefinition } from '@tessera/contracts';
import {
  createKafka,
  errorDetails,
  type KafkaSettings,
  type MessagingLogger,
  ProducerConnection,
  TopicProvisioner,
  TopicRegistryConflict,
} from '@tessera/messaging';
import { backoffDelay, sleep, withDeadline } from '@tessera/timing';
import type { Admin, Kafka } from 'kafkajs';

/**
 * The service's Kafka client, producer and admin. Starts in the background: provisions the topics from the
 * registry (retrying while the cluster is away), then connects the producer. Ready once both are done and the
 * cluster answers.
 */
export class KafkaRuntime {
  readonly kafka: Kafka;
  readonly producer: ProducerConnection;
  private readonly admin: Admin;
  private provisioned = false;
  private stopped = false;
  private starting: Promise<void> | undefined;

  constructor(
    readonly settings: KafkaSettings,
    private readonly topics: readonly TopicDefinition[],
    private readonly logger: MessagingLogger,
  ) {
    this.kafka = createKafka(settings, logger);
    this.producer = new ProducerConnection(this.kafka);
    this.admin = this.kafka.admin({ retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1000 } });
  }

  get isProvisioned(): boolean {
    return this.provisioned;
  }

  /** Why provisioning gave up (a topic that conflicts with the registry), if it did. */
  provisioningProblem: string | undefined;

  start(): void {
    this.starting ??= this.provisionUntilDone();
  }

  /** Asks the cluster for its brokers, with a deadline; false if it does not answer in time. */
  async ping(timeoutMs = 2000): Promise<{ up: boolean; brokers?: number; error?: string }> {
    try {
      return await withDeadline(
        this.admin
          .describeCluster()
          .then((cluster) => ({ up: cluster.brokers.length > 0, brokers: cluster.brokers.length })),
        timeoutMs,
        { up: false, error: `no answer within ${timeoutMs} ms` },
      );
    } catch (error) {
      return { up: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // A start still retrying against an absent cluster is abandoned, not waited for.
    await withDeadline(this.starting ?? Promise.resolve(), 1000, undefined);
    await withDeadline(
      this.producer.disconnect().catch(() => undefined),
      5000,
      undefined,
    );
    await withDeadline(
      this.admin.disconnect().catch(() => undefined),
      5000,
      undefined,
    );
  }

  private async provisionUntilDone(): Promise<void> {
    const provisioner = new TopicProvisioner(
      this.admin,
      this.settings.topicPrefix,
      this.settings.replicationFactor,
      this.logger,
    );
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.admin.connect();
        await provisioner.provision(this.topics);
        this.provisioningProblem = undefined;
        this.provisioned = true;
        await this.producer.ensureConnected();
        this.logger.info({ brokers: this.settings.brokers, topics: this.topics.length }, 'kafka ready');
        return;
      } catch (error) {
        if (error instanceof TopicRegistryConflict) {
          // Only an operator can resolve it; readiness stays down and says why, and we look again each minute.
          this.provisioningProblem = error.message;
          this.logger.error(errorDetails(error), 'kafka topics conflict with the topic registry');
          await sleep(60_000);
          continue;
        }
        const delay = backoffDelay(attempt, 250, 5000);
        this.logger.warn({ ...errorDetails(error), attempt, retryInMs: delay }, 'kafka not reachable yet; retrying');
        await sleep(delay);
      }
    }
  }
}
