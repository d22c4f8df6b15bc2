import { ApiKeyUpsertedV1, type EventCatalog, TenantUpsertedV1, Topics } from '@tessera/contracts';
import {
  type DeadLetterPublisher,
  EventConsumer,
  type MessagingLogger,
  type MessagingMetrics,
  type PostgresProcessedEvents,
} from '@tessera/messaging';
import { KnownApiKeys } from '@tessera/service-runtime';
import type { Kafka } from 'kafkajs';
import type { EntityManager } from 'typeorm';
import type { PinsStore } from '../persistence/pins-store';

/** Tenants and API keys from the registry topic, into the pins service's known-keys tables (admin authentication). */
export function registryConsumer(options: {
  kafka: Kafka;
  topicPrefix: string;
  store: PinsStore;
  catalog: EventCatalog;
  processedEvents: PostgresProcessedEvents;
  deadLetters: DeadLetterPublisher;
  logger: MessagingLogger;
  metrics: MessagingMetrics;
}): EventConsumer<EntityManager> {
  const known = new KnownApiKeys(options.store.dataSource, (name) => options.store.table(name));
  return new EventConsumer<EntityManager>({
    kafka: options.kafka,
    groupId: `${options.topicPrefix}tessera-pins-registry`,
    topics: [Topics.registry],
    topicPrefix: options.topicPrefix,
    fromBeginning: true,
    catalog: options.catalog,
    processedEvents: options.processedEvents,
    deadLetters: options.deadLetters,
    logger: options.logger,
    metrics: options.metrics,
  })
    .on(TenantUpsertedV1, (event, tx) => known.tenantUpserted(event, tx))
    .on(ApiKeyUpsertedV1, (event, tx) => known.apiKeyUpserted(event, tx))
    .onTombstone(Topics.registry, ({ key }) => known.tombstone(key));
}
