import { type DynamicModule, Module } from '@nestjs/common';
import { EventCatalog, TokenIssuanceV1 } from '@tessera/contracts';
import { DeadLetterPublisher, EventConsumer, KafkaRequester, MessagingMetrics } from '@tessera/messaging';
import { PinsView, registerPinsViewMetrics, servedInexactlyLogger } from '@tessera/pins';
import { RegistryView } from '@tessera/registry-view';
import {
  KafkaRuntime,
  MetricsRegistry,
  RateLimits,
  ServiceLifecycle,
  ServiceRuntimeModule,
  viewConsumerProvider,
} from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { AttestController } from './attestations/attest.controller';
import { AttestationFlow } from './attestations/attestation-flow';
import { AttestationMetrics } from './attestations/attestation-metrics';
import { TokenClient } from './attestations/token-client';
import { challengeCleanup } from './challenges/challenge-cleanup';
import { ChallengeController } from './challenges/challenge.controller';
import { ChallengeStore } from './challenges/challenge-store';
import type { IntegrityConfig } from './integrity.config';
import { integritySchema } from './migrations';
import { IntegrityStore } from './persistence/integrity-store';
import { registerRegistryViewMetrics } from './registry/registry-view-metrics';
import { registryViewPurge } from './registry/registry-view-purge';

/** The consumer of the pins topic (the registry view's is EventConsumer's). */
const PINS_VIEW_CONSUMER = Symbol('PINS_VIEW_CONSUMER');

/** The integrity service: challenges, evidence verification and policy evaluation; the SDK attestation endpoints. */
@Module({})
export class IntegrityModule {
  static register(config: IntegrityConfig, logger: Logger): DynamicModule {
    return {
      module: IntegrityModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          service: 'integrity',
          config,
          logger,
          database: integritySchema,
        }),
      ],
      controllers: [ChallengeController, AttestController],
      providers: [
        IntegrityStore,
        {
          provide: ChallengeStore,
          inject: [ServiceLifecycle, IntegrityStore],
          useFactory: (lifecycle: ServiceLifecycle, store: IntegrityStore) => {
            const challenges = new ChallengeStore(store);
            lifecycle.register(
              challengeCleanup(
                challenges,
                config.INTEGRITY_CHALLENGE_CLEANUP_SECONDS * 1000,
                logger.child({ component: 'challenge-cleanup' }),
              ),
            );
            return challenges;
          },
        },
        {
          provide: RegistryView,
          inject: [MetricsRegistry],
          useFactory: (metrics: MetricsRegistry) => {
            const view = new RegistryView({ nodeId: config.INTEGRITY_NODE_ID });
            registerRegistryViewMetrics(metrics.registry, view);
            return view;
          },
        },
        {
          // The registry view is rebuilt from the beginning on every start; the service is ready once it caught up.
          provide: EventConsumer,
          inject: [ServiceLifecycle, KafkaRuntime, EventCatalog, DeadLetterPublisher, MessagingMetrics, RegistryView],
          useFactory: (
            lifecycle: ServiceLifecycle,
            kafka: KafkaRuntime,
            catalog: EventCatalog,
            deadLetters: DeadLetterPublisher,
            metrics: MessagingMetrics,
            view: RegistryView,
          ) => {
            const consumer = view.consumer({
              kafka: kafka.kafka,
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              catalog,
              deadLetters,
              logger: logger.child({ component: 'registry-view' }),
              metrics,
            });
            lifecycle.register(consumer);
            lifecycle.register(registryViewPurge(view, logger.child({ component: 'registry-view-purge' })));
            return consumer;
          },
        },
        {
          provide: PinsView,
          inject: [MetricsRegistry],
          useFactory: (metrics: MetricsRegistry) => {
            const view = new PinsView({
              nodeId: config.INTEGRITY_NODE_ID,
              onServedInexactly: servedInexactlyLogger(logger),
            });
            registerPinsViewMetrics(metrics.registry, view);
            return view;
          },
        },
        // The pins topic, for the pin config version each attest answer carries.
        viewConsumerProvider({
          provide: PINS_VIEW_CONSUMER,
          view: PinsView,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          logger,
          component: 'pins-view',
        }),
        {
          provide: KafkaRequester,
          inject: [ServiceLifecycle, KafkaRuntime, MessagingMetrics],
          useFactory: (lifecycle: ServiceLifecycle, kafka: KafkaRuntime, metrics: MessagingMetrics) => {
            const requester = new KafkaRequester({
              kafka: kafka.kafka,
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              requests: [TokenIssuanceV1],
              logger: logger.child({ component: 'token-requests' }),
              metrics,
            });
            lifecycle.register(requester);
            return requester;
          },
        },
        {
          provide: TokenClient,
          inject: [KafkaRequester],
          useFactory: (requester: KafkaRequester) => new TokenClient(requester, config.INTEGRITY_TOKEN_TIMEOUT_MS),
        },
        {
          provide: AttestationMetrics,
          inject: [MetricsRegistry],
          useFactory: (metrics: MetricsRegistry) => new AttestationMetrics(metrics.registry),
        },
        {
          provide: RateLimits,
          useFactory: () =>
            new RateLimits(['challenge', 'attest'], {
              perIpPerMinute: config.INTEGRITY_RATE_LIMIT_PER_IP,
              perAppPerMinute: config.INTEGRITY_RATE_LIMIT_PER_APP,
            }),
        },
        {
          provide: AttestationFlow,
          inject: [RegistryView, ChallengeStore, TokenClient, IntegrityStore, AttestationMetrics, RateLimits, PinsView],
          useFactory: (
            registry: RegistryView,
            challenges: ChallengeStore,
            tokens: TokenClient,
            store: IntegrityStore,
            metrics: AttestationMetrics,
            limits: RateLimits<'challenge' | 'attest'>,
            pins: PinsView,
          ) =>
            new AttestationFlow({
              registry,
              challenges,
              tokens,
              store,
              metrics,
              limits,
              pinConfigVersion: (tenant) => pins.versionOf(tenant) || null,
            }),
        },
      ],
    };
  }
}
