import { type DynamicModule, Module } from '@nestjs/common';
import { EventCatalog } from '@tessera/contracts';
import { DeadLetterPublisher, EventConsumer, MessagingMetrics, PostgresProcessedEvents } from '@tessera/messaging';
import { PinsView, servedInexactlyLogger } from '@tessera/pins';
import { SecureStringsView } from '@tessera/registry-view';
import { Keyring } from '@tessera/sealing';
import {
  ApiKeyDirectory,
  ApiKeyGuard,
  KafkaRuntime,
  MetricsRegistry,
  ServiceLifecycle,
  ServiceRuntimeModule,
  viewConsumerProvider,
} from '@tessera/service-runtime';
import { TokenVerifier, VerifierView, viewWorkers } from '@tessera/verifier';
import { InitialConfigController } from './config/initial-config.controller';
import { PinConfigController } from './config/pin-config.controller';
import { PinConfigKeys } from './config/pin-config-keys';
import { registerPinsMetrics } from './config/pins-metrics';
import { SignedPinConfigs } from './config/signed-pin-configs';
import { PINS_TOKEN_VERIFIER } from './config/tokens';
import type { Logger } from 'pino';
import { DomainsController } from './domains/domains.controller';
import { DomainsService } from './domains/domains.service';
import { pinsSchema } from './migrations';
import { PinsStore } from './persistence/pins-store';
import type { PinsConfig } from './pins.config';
import { PinsApiKeyDirectory } from './registry/pins-api-key-directory';
import { registryConsumer } from './registry/registry-consumer';
import { pinReportControllers, pinReportProviders } from './reports/pin-reports.providers';
import { RotationsController } from './rotations/rotations.controller';
import { rotationProviders } from './rotations/rotations.providers';

/** The consumer of the pins topic that feeds the node's PinsView (the registry consumer is EventConsumer's). */
const PINS_VIEW_CONSUMER = Symbol('PINS_VIEW_CONSUMER');
const SECURE_STRINGS_CONSUMER = Symbol('SECURE_STRINGS_CONSUMER');

/** The pins service: protected API domains, pin sets, rotations and signed pin configs. */
@Module({})
export class PinsModule {
  static register(config: PinsConfig, logger: Logger): DynamicModule {
    return {
      module: PinsModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          service: 'pins',
          config,
          logger,
          database: pinsSchema,
        }),
      ],
      controllers: [
        DomainsController,
        PinConfigController,
        InitialConfigController,
        ...pinReportControllers,
        RotationsController,
      ],
      providers: [
        ...rotationProviders(logger),
        PinsStore,
        DomainsService,
        // Seals the keys that sign pin configs; opens the HS256 secrets of the key events for the token verifier.
        { provide: Keyring, useFactory: () => new Keyring(config.TESSERA_KEK, config.TESSERA_KEK_PREVIOUS) },
        PinConfigKeys,
        {
          provide: PinsView,
          inject: [MetricsRegistry],
          useFactory: (metrics: MetricsRegistry) => {
            const view = new PinsView({ onServedInexactly: servedInexactlyLogger(logger) });
            registerPinsMetrics(metrics.registry, view);
            return view;
          },
        },
        {
          provide: SignedPinConfigs,
          inject: [PinsView, PinConfigKeys],
          useFactory: (view: PinsView, keys: PinConfigKeys) =>
            new SignedPinConfigs(view, keys, config.PINS_CONFIG_LIFETIME_SECONDS),
        },
        // Each node's view of the protected domains, from the pins topic: ready once caught up.
        viewConsumerProvider({
          provide: PINS_VIEW_CONSUMER,
          view: PinsView,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          logger,
          component: 'pins-view',
        }),
        { provide: SecureStringsView, useFactory: () => new SecureStringsView() },
        // Each node's view of the apps' secure strings (sealed), from the registry topic: ready once caught up.
        viewConsumerProvider({
          provide: SECURE_STRINGS_CONSUMER,
          view: SecureStringsView,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          logger,
          component: 'secure-strings-view',
        }),
        {
          // The verifier library over this node's own view of keys and revocations: GET /v1/config answers only to
          // a valid, unrevoked Tessera token.
          provide: PINS_TOKEN_VERIFIER,
          inject: [ServiceLifecycle, KafkaRuntime, EventCatalog, DeadLetterPublisher, MessagingMetrics, Keyring],
          useFactory: (
            lifecycle: ServiceLifecycle,
            kafka: KafkaRuntime,
            catalog: EventCatalog,
            deadLetters: DeadLetterPublisher,
            metrics: MessagingMetrics,
            keyring: Keyring,
          ) => {
            const view = new VerifierView({ keyring });
            const verifier = new TokenVerifier({
              keys: view.keys,
              revocations: view.revocations,
              freshness: view.freshness,
            });
            const { workers } = viewWorkers(view, verifier, {
              kafka: kafka.kafka,
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              catalog,
              deadLetters,
              logger: logger.child({ component: 'token-view' }),
              metrics,
            });
            for (const worker of workers) lifecycle.register(worker);
            return verifier;
          },
        },
        ...pinReportProviders(config, logger.child({ component: 'pin-reports' })),
        { provide: ApiKeyDirectory, useClass: PinsApiKeyDirectory },
        ApiKeyGuard,
        {
          // Tenants and API keys (admin authentication), from the registry topic.
          provide: EventConsumer,
          inject: [
            ServiceLifecycle,
            KafkaRuntime,
            PinsStore,
            EventCatalog,
            PostgresProcessedEvents,
            DeadLetterPublisher,
            MessagingMetrics,
          ],
          useFactory: (
            lifecycle: ServiceLifecycle,
            kafka: KafkaRuntime,
            store: PinsStore,
            catalog: EventCatalog,
            processedEvents: PostgresProcessedEvents,
            deadLetters: DeadLetterPublisher,
            metrics: MessagingMetrics,
          ) => {
            const consumer = registryConsumer({
              kafka: kafka.kafka,
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              store,
              catalog,
              processedEvents,
              deadLetters,
              logger: logger.child({ component: 'registry-consumer' }),
              metrics,
            });
            lifecycle.register(consumer);
            return consumer;
          },
        },
      ],
    };
  }
}
