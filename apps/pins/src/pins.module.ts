import { type DynamicModule, Module } from '@nestjs/common';
import { EventCatalog } from '@tessera/contracts';
import { DeadLetterPublisher, EventConsumer, MessagingMetrics, PostgresProcessedEvents } from '@tessera/messaging';
import {
  ApiKeyDirectory,
  ApiKeyGuard,
  KafkaRuntime,
  ServiceLifecycle,
  ServiceRuntimeModule,
} from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { DomainsController } from './domains/domains.controller';
import { DomainsService } from './domains/domains.service';
import { pinsSchema } from './migrations';
import { PinsStore } from './persistence/pins-store';
import type { PinsConfig } from './pins.config';
import { PinsApiKeyDirectory } from './registry/pins-api-key-directory';
import { registryConsumer } from './registry/registry-consumer';

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
      controllers: [DomainsController],
      providers: [
        PinsStore,
        DomainsService,
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
