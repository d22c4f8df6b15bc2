import type { Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { EventCatalog } from '@tessera/contracts';
import type { DatabaseServiceConfig } from '@tessera/config';
import { DatabaseConnection } from '@tessera/database';
import {
  MessagingMetrics,
  type OutboxBacklog,
  OutboxRelay,
  OutboxWriter,
  PostgresProcessedEvents,
} from '@tessera/messaging';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { KafkaRuntime } from '../kafka/kafka-runtime';
import { MetricsRegistry } from '../metrics/metrics-registry';
import type { ReadinessProbe } from '../health/readiness-probe';
import { SERVICE_CONFIG, SERVICE_LOGGER, SERVICE_NAME } from '../tokens';

export const DATABASE_PROBE = Symbol('DATABASE_PROBE');

/** Postgres-backed pieces: the connection (background connect + migrations), the outbox and idempotency store. */
export const databaseProviders: Provider[] = [
  {
    provide: DatabaseConnection,
    inject: [getDataSourceToken(), SERVICE_CONFIG, SERVICE_NAME, SERVICE_LOGGER],
    useFactory: (dataSource: DataSource, config: DatabaseServiceConfig, service: string, logger: Logger) =>
      new DatabaseConnection(dataSource, config.DATABASE_SCHEMA, config.DATABASE_URL, `tessera-${service}`, logger),
  },
  {
    provide: OutboxWriter,
    inject: [SERVICE_CONFIG, EventCatalog, SERVICE_NAME],
    useFactory: (config: DatabaseServiceConfig, catalog: EventCatalog, service: string) =>
      new OutboxWriter(config.DATABASE_SCHEMA, catalog, service, config.KAFKA_TOPIC_PREFIX),
  },
  {
    provide: OutboxRelay,
    inject: [DatabaseConnection, KafkaRuntime, SERVICE_CONFIG, SERVICE_LOGGER, MessagingMetrics, MetricsRegistry],
    useFactory: (
      db: DatabaseConnection,
      kafka: KafkaRuntime,
      config: DatabaseServiceConfig,
      logger: Logger,
      metrics: MessagingMetrics,
      registry: MetricsRegistry,
    ) => {
      const relay = new OutboxRelay(
        db.relayPool,
        kafka.producer,
        {
          schema: config.DATABASE_SCHEMA,
          pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
          batchSize: config.OUTBOX_BATCH_SIZE,
          retentionHours: config.OUTBOX_RETENTION_HOURS,
        },
        logger.child({ component: 'outbox-relay' }),
        metrics,
      );
      // prom-client collects metrics concurrently: the three gauges share one backlog query per scrape.
      let shared: { at: number; backlog: Promise<OutboxBacklog | undefined> } | undefined;
      const backlogForScrape = () => {
        if (!shared || Date.now() - shared.at > 1000) {
          shared = {
            at: Date.now(),
            backlog: db.isMigrated ? relay.backlog().catch(() => undefined) : Promise.resolve(undefined),
          };
        }
        return shared.backlog;
      };
      const gauge = (name: string, help: string, read: (backlog: OutboxBacklog) => number) =>
        new Gauge({
          name,
          help,
          registers: [registry.registry],
          async collect() {
            const backlog = await backlogForScrape();
            this.set(backlog ? read(backlog) : Number.NaN);
          },
        });
      gauge(
        'tessera_outbox_pending_events',
        'Events committed to the outbox and not yet published to Kafka (grows while Kafka is away)',
        (b) => b.pending,
      );
      gauge(
        'tessera_outbox_oldest_pending_seconds',
        'Age of the oldest event waiting in the outbox (0 when none waits)',
        (b) => b.oldestSeconds,
      );
      gauge(
        'tessera_outbox_max_publish_attempts',
        'Most publish attempts of any waiting event: one that keeps failing stands out',
        (b) => b.maxAttempts,
      );
      return relay;
    },
  },
  {
    provide: PostgresProcessedEvents,
    inject: [getDataSourceToken(), SERVICE_CONFIG],
    useFactory: (dataSource: DataSource, config: DatabaseServiceConfig) =>
      new PostgresProcessedEvents(dataSource, config.DATABASE_SCHEMA),
  },
  {
    provide: DATABASE_PROBE,
    inject: [DatabaseConnection, OutboxRelay],
    useFactory: (db: DatabaseConnection, relay: OutboxRelay): ReadinessProbe => ({
      name: 'postgres',
      check: async () => {
        const up = await db.ping();
        // The relay's state is reported, not required: a service whose Kafka is away keeps committing changes.
        return { up, details: { migrated: db.isMigrated, outboxRelay: relay.state, outboxError: relay.lastError } };
      },
    }),
  },
];
