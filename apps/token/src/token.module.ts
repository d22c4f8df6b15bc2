import { type DynamicModule, Module } from '@nestjs/common';
import { ApiKeyUpsertedV1, EventCatalog, TenantUpsertedV1, Topics } from '@tessera/contracts';
import {
  DeadLetterPublisher,
  EventConsumer,
  KafkaResponder,
  MessagingMetrics,
  PostgresProcessedEvents,
} from '@tessera/messaging';
import { Keyring } from '@tessera/sealing';
import {
  ApiKeyDirectory,
  ApiKeyGuard,
  KafkaRuntime,
  MetricsRegistry,
  ServiceLifecycle,
  ServiceRuntimeModule,
} from '@tessera/service-runtime';
import type { EntityManager } from 'typeorm';
import { TokenAuditController } from './admin/audit.controller';
import { SigningKeysController } from './admin/signing-keys.controller';
import { TokenInspectionController } from './admin/token-inspection.controller';
import { RegistryReadModel } from './registry/registry-read-model';
import { TokenApiKeyDirectory } from './registry/token-api-key-directory';
import type { Logger } from 'pino';
import { TokenInspector } from './inspection/token-inspector';
import { IssuanceMetrics } from './issuance/issuance-metrics';
import { issuanceResponder } from './issuance/issuance-responder';
import { TokenIssuance } from './issuance/token-issuance';
import { TokenIssuedEvents } from './issuance/token-issued-events';
import { JwksController } from './jwks/jwks.controller';
import { JwksSnapshot } from './jwks/jwks-snapshot';
import { FailureKeyRing } from './keys/failure-key-ring';
import { KeyScheduleWorker } from './keys/key-schedule.worker';
import { SignerCache } from './keys/signer-cache';
import { SigningKeyRepository } from './keys/signing-key.repository';
import { SigningKeysService } from './keys/signing-keys.service';
import { tokenSchema } from './migrations';
import { TokenStore } from './persistence/token-store';
import type { TokenConfig } from './token.config';

/** The token service: signing keys, rotation, JWKS and token issuance. */
@Module({})
export class TokenModule {
  static register(config: TokenConfig, logger: Logger): DynamicModule {
    return {
      module: TokenModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          service: 'token',
          config,
          logger,
          database: tokenSchema,
        }),
      ],
      controllers: [JwksController, SigningKeysController, TokenInspectionController, TokenAuditController],
      providers: [
        TokenStore,
        SigningKeyRepository,
        SigningKeysService,
        SignerCache,
        {
          // Made and published at start (the service is ready once they are on Kafka), then turned on a timer.
          provide: FailureKeyRing,
          inject: [ServiceLifecycle, TokenStore],
          useFactory: (lifecycle: ServiceLifecycle, store: TokenStore) => {
            const ring = new FailureKeyRing(store, config, logger.child({ component: 'failure-keys' }));
            lifecycle.register(ring);
            return ring;
          },
        },
        JwksSnapshot,
        TokenIssuance,
        TokenInspector,
        RegistryReadModel,
        { provide: ApiKeyDirectory, useClass: TokenApiKeyDirectory },
        ApiKeyGuard,
        {
          // Tenants (their keys are made on arrival) and API keys (admin authentication), from the registry topic.
          provide: EventConsumer,
          inject: [
            ServiceLifecycle,
            KafkaRuntime,
            EventCatalog,
            PostgresProcessedEvents,
            DeadLetterPublisher,
            MessagingMetrics,
            RegistryReadModel,
          ],
          useFactory: (
            lifecycle: ServiceLifecycle,
            kafka: KafkaRuntime,
            catalog: EventCatalog,
            processed: PostgresProcessedEvents,
            deadLetters: DeadLetterPublisher,
            metrics: MessagingMetrics,
            readModel: RegistryReadModel,
          ) => {
            const consumer = new EventConsumer<EntityManager>({
              kafka: kafka.kafka,
              groupId: `${config.KAFKA_TOPIC_PREFIX}tessera-token-registry`,
              topics: [Topics.registry],
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              fromBeginning: true,
              catalog,
              processedEvents: processed,
              deadLetters,
              logger: logger.child({ component: 'registry-consumer' }),
              metrics,
            })
              .on(TenantUpsertedV1, (event, tx) => readModel.tenantUpserted(event, tx))
              .on(ApiKeyUpsertedV1, (event, tx) => readModel.apiKeyUpserted(event, tx))
              .onTombstone(Topics.registry, ({ key }) => readModel.tombstone(key));
            lifecycle.register(consumer);
            return consumer;
          },
        },
        // Seals signing keys at rest: the current KEK seals, the previous ones still open.
        { provide: Keyring, useFactory: () => new Keyring(config.TESSERA_KEK, config.TESSERA_KEK_PREVIOUS) },
        {
          provide: IssuanceMetrics,
          inject: [MetricsRegistry],
          useFactory: (metrics: MetricsRegistry) => new IssuanceMetrics(metrics.registry),
        },
        {
          provide: TokenIssuedEvents,
          inject: [ServiceLifecycle, KafkaRuntime, EventCatalog, MetricsRegistry],
          useFactory: (
            lifecycle: ServiceLifecycle,
            kafka: KafkaRuntime,
            catalog: EventCatalog,
            metrics: MetricsRegistry,
          ) => {
            const events = new TokenIssuedEvents(
              config.TOKEN_ISSUED_EVENTS,
              kafka.producer,
              catalog,
              config.KAFKA_TOPIC_PREFIX,
              logger.child({ component: 'token-issued-events' }),
              metrics.registry,
            );
            lifecycle.register(events);
            return events;
          },
        },
        {
          provide: KafkaResponder,
          inject: [ServiceLifecycle, KafkaRuntime, MessagingMetrics, TokenIssuance],
          useFactory: (
            lifecycle: ServiceLifecycle,
            kafka: KafkaRuntime,
            metrics: MessagingMetrics,
            issuance: TokenIssuance,
          ) => {
            const responder = issuanceResponder(
              {
                kafka: kafka.kafka,
                groupId: `${config.KAFKA_TOPIC_PREFIX}tessera-token-issuance`,
                topicPrefix: config.KAFKA_TOPIC_PREFIX,
                metrics,
                concurrency: config.TOKEN_REQUEST_CONCURRENCY,
              },
              issuance,
              logger.child({ component: 'token-issuance' }),
            );
            lifecycle.register(responder);
            return responder;
          },
        },
        {
          provide: KeyScheduleWorker,
          inject: [ServiceLifecycle, SigningKeysService, FailureKeyRing, TokenStore, MetricsRegistry],
          useFactory: (
            lifecycle: ServiceLifecycle,
            keys: SigningKeysService,
            failureKeys: FailureKeyRing,
            store: TokenStore,
            metrics: MetricsRegistry,
          ) => {
            const worker = new KeyScheduleWorker(
              keys,
              failureKeys,
              store,
              config.TOKEN_KEY_CHECK_INTERVAL_MS,
              logger.child({ component: 'key-schedule' }),
              metrics.registry,
            );
            lifecycle.register(worker);
            return worker;
          },
        },
      ],
    };
  }
}
