import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type DatabaseServiceConfig, type ServiceConfig } from '@tessera/config';
import { ALL_TOPICS, EventCatalog, type TopicDefinition } from '@tessera/contracts';
import { DatabaseConnection, dataSourceOptions, type SchemaContents } from '@tessera/database';
import { DeadLetterPublisher, MessagingMetrics, OutboxRelay, PostgresProcessedEvents } from '@tessera/messaging';
import type { Logger } from 'pino';
import { DATABASE_PROBE, databaseProviders } from './database/database-providers';
import { processedEventRetention } from './database/processed-event-retention';
import { HealthController } from './health/health.controller';
import { READINESS_PROBES, type ReadinessProbe } from './health/readiness-probe';
import { KafkaRuntime } from './kafka/kafka-runtime';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsRegistry } from './metrics/metrics-registry';
import { ApiDocsController } from './openapi/api-docs.controller';
import { ApiDocument } from './openapi/api-document';
import { ServiceLifecycle } from './service-lifecycle';
import { SERVICE_CONFIG, SERVICE_LOGGER, SERVICE_NAME } from './tokens';

export interface ServiceRuntimeOptions {
  service: string;
  config: ServiceConfig | DatabaseServiceConfig;
  logger: Logger;
  /** Topics this service makes sure exist; by default the whole registry. */
  topics?: readonly TopicDefinition[];
  /** Present for services that keep state in Postgres. */
  database?: SchemaContents;
  /**
   * Whether a broker that does not answer makes the service not ready (the default). A verifier goes on deciding
   * from its view without Kafka; its staleness policy, one of its workers, decides when that stops.
   */
  kafkaGatesReadiness?: boolean;
}

export const KAFKA_PROBE = Symbol('KAFKA_PROBE');
export const WORKERS_PROBE = Symbol('WORKERS_PROBE');

function hasDatabase(config: ServiceConfig | DatabaseServiceConfig): config is DatabaseServiceConfig {
  return 'DATABASE_URL' in config;
}

/**
 * What every Tessera service has: config, JSON logs, metrics, health, API docs (/openapi.json, /docs), Kafka (topics
 * provisioned, producer), and for stateful services Postgres (own schema, migrations at startup), the outbox and its
 * relay.
 */
@Module({})
export class ServiceRuntimeModule {
  static forRoot(options: ServiceRuntimeOptions): DynamicModule {
    const { config, service, logger } = options;
    const providers: Provider[] = [
      { provide: SERVICE_NAME, useValue: service },
      { provide: SERVICE_CONFIG, useValue: config },
      { provide: SERVICE_LOGGER, useValue: logger },
      { provide: MetricsRegistry, useFactory: () => new MetricsRegistry(service) },
      {
        provide: MessagingMetrics,
        inject: [MetricsRegistry],
        useFactory: (m: MetricsRegistry) => new MessagingMetrics(m.registry),
      },
      { provide: EventCatalog, useFactory: () => new EventCatalog() },
      ApiDocument,
      {
        provide: KafkaRuntime,
        useFactory: () =>
          new KafkaRuntime(
            {
              brokers: config.KAFKA_BROKERS,
              clientId: config.KAFKA_CLIENT_ID ?? `tessera-${service}`,
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              replicationFactor: config.KAFKA_REPLICATION_FACTOR,
              ssl: config.KAFKA_SSL,
              sasl:
                config.KAFKA_SASL_MECHANISM && config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD
                  ? {
                      mechanism: config.KAFKA_SASL_MECHANISM,
                      username: config.KAFKA_SASL_USERNAME,
                      password: config.KAFKA_SASL_PASSWORD,
                    }
                  : undefined,
            },
            options.topics ?? ALL_TOPICS,
            logger.child({ component: 'kafka' }),
          ),
      },
      {
        provide: DeadLetterPublisher,
        inject: [KafkaRuntime],
        useFactory: (kafka: KafkaRuntime) => new DeadLetterPublisher(kafka.producer, config.KAFKA_TOPIC_PREFIX),
      },
      {
        provide: KAFKA_PROBE,
        inject: [KafkaRuntime],
        useFactory: (kafka: KafkaRuntime): ReadinessProbe => ({
          name: 'kafka',
          check: async () => {
            const ping = await kafka.ping();
            return {
              up: ping.up && kafka.isProvisioned,
              details: { ...ping, topicsProvisioned: kafka.isProvisioned, topicProblem: kafka.provisioningProblem },
            };
          },
        }),
      },
    ];
    providers.push({
      provide: WORKERS_PROBE,
      inject: [ServiceLifecycle],
      useFactory: (lifecycle: ServiceLifecycle): ReadinessProbe => ({
        name: 'workers',
        check: () => {
          const waiting = lifecycle.unhealthyWorkers();
          // Consumers count once they run and have caught up with their topics.
          return Promise.resolve({ up: waiting.length === 0, details: waiting.length > 0 ? { waiting } : {} });
        },
      }),
    });
    const imports: DynamicModule['imports'] = [TerminusModule.forRoot({ logger: false })];
    const exported: NonNullable<DynamicModule['exports']> = [
      SERVICE_NAME,
      SERVICE_CONFIG,
      SERVICE_LOGGER,
      MetricsRegistry,
      MessagingMetrics,
      EventCatalog,
      KafkaRuntime,
      DeadLetterPublisher,
      ServiceLifecycle,
      READINESS_PROBES,
    ];

    if (options.database && hasDatabase(config)) {
      const contents = options.database;
      imports.push(
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(
              {
                url: config.DATABASE_URL,
                schema: config.DATABASE_SCHEMA,
                poolMax: config.DATABASE_POOL_MAX,
                applicationName: `tessera-${service}`,
              },
              contents,
            ),
            // The service boots without the database and connects in the background (DatabaseConnection).
            manualInitialization: true,
          }),
        }),
      );
      providers.push(...databaseProviders);
      providers.push({
        provide: READINESS_PROBES,
        inject: [DATABASE_PROBE, KAFKA_PROBE, WORKERS_PROBE],
        useFactory: (...probes: ReadinessProbe[]) => probes,
      });
      providers.push({
        provide: ServiceLifecycle,
        inject: [KafkaRuntime, DatabaseConnection, OutboxRelay, PostgresProcessedEvents],
        useFactory: (
          kafka: KafkaRuntime,
          db: DatabaseConnection,
          relay: OutboxRelay,
          processed: PostgresProcessedEvents,
        ) => {
          const lifecycle = new ServiceLifecycleHooks(logger, kafka, db, relay);
          lifecycle.register(
            processedEventRetention(
              processed,
              config.PROCESSED_EVENT_RETENTION_DAYS,
              logger.child({ component: 'retention' }),
            ),
          );
          return lifecycle;
        },
      });
      exported.push(...databaseProviders.map((p) => (typeof p === 'function' ? p : p.provide)), TypeOrmModule);
    } else {
      if (options.database) throw new Error(`${service} declares database contents but its config has no DATABASE_URL`);
      providers.push({
        provide: READINESS_PROBES,
        inject: options.kafkaGatesReadiness === false ? [WORKERS_PROBE] : [KAFKA_PROBE, WORKERS_PROBE],
        useFactory: (...probes: ReadinessProbe[]) => probes,
      });
      providers.push({
        provide: ServiceLifecycle,
        inject: [KafkaRuntime],
        useFactory: (kafka: KafkaRuntime) => new ServiceLifecycleHooks(logger, kafka),
      });
    }

    return {
      module: ServiceRuntimeModule,
      global: true,
      imports,
      controllers: [HealthController, MetricsController, ApiDocsController],
      providers,
      exports: exported,
    };
  }
}

/** Ties the lifecycle to Nest's hooks: start after bootstrap, stop after the HTTP server closed. */
class ServiceLifecycleHooks extends ServiceLifecycle {
  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.shutdown(signal);
  }
}
