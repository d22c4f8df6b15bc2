import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { EventCatalog } from '@tessera/contracts';
import {
  DeadLetterPublisher,
  type EventConsumer,
  MessagingMetrics,
  type ViewConsumerOptions,
} from '@tessera/messaging';
import type { Logger } from 'pino';
import { ServiceLifecycle } from '../service-lifecycle';
import { KafkaRuntime } from './kafka-runtime';

/** A view a node rebuilds from Kafka on every start (PinsView, SecureStringsView, RegistryView, ...). */
export interface ConsumedView {
  consumer(options: ViewConsumerOptions): EventConsumer<undefined>;
}

/**
 * The Nest provider of a view's consumer: built from the service's Kafka runtime, registered with its lifecycle, so
 * the service reports ready only once the view has caught up. `provide` names the consumer (a service may have
 * several); `view` is the view's own provider token.
 */
export function viewConsumerProvider(options: {
  provide: InjectionToken;
  view: InjectionToken;
  topicPrefix: string;
  logger: Logger;
  component: string;
}): FactoryProvider<EventConsumer<undefined>> {
  return {
    provide: options.provide,
    inject: [ServiceLifecycle, KafkaRuntime, EventCatalog, DeadLetterPublisher, MessagingMetrics, options.view],
    useFactory: (
      lifecycle: ServiceLifecycle,
      kafka: KafkaRuntime,
      catalog: EventCatalog,
      deadLetters: DeadLetterPublisher,
      metrics: MessagingMetrics,
      view: ConsumedView,
    ) => {
      const consumer = view.consumer({
        kafka: kafka.kafka,
        topicPrefix: options.topicPrefix,
        catalog,
        deadLetters,
        logger: options.logger.child({ component: options.component }),
        metrics,
      });
      lifecycle.register(consumer);
      return consumer;
    },
  };
}
