import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventCatalog, TopicDefinition } from '@tessera/contracts';
import type { Kafka } from 'kafkajs';
import type { MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../metrics';
import type { DeadLetterPublisher } from './dead-letter-publisher';
import { EventConsumer } from './event-consumer';
import { ApplyEveryDelivery } from './processed-events';

/** What a view's owner passes to build the consumer that feeds it. */
export interface ViewConsumerOptions {
  kafka: Kafka;
  topicPrefix: string;
  catalog: EventCatalog;
  deadLetters: DeadLetterPublisher;
  logger: MessagingLogger;
  metrics?: MessagingMetrics | undefined;
}

/**
 * The consumer of an in-memory view rebuilt on every start (the verifier's keys and revocations, the integrity
 * service's registry): a group of its own, `groupId`, unique per process, so it reads every partition whatever other
 * nodes do (kafkajs has no manual assignment); from the beginning of the compacted topics at every process start
 * (a configured node id included: the group's old offsets are deleted first), then every event as it comes; every
 * delivery applied, since a view's handlers set state. Register its handlers with `.on(...)`.
 */
export function viewConsumer(
  options: ViewConsumerOptions & {
    groupId: string;
    topics: readonly TopicDefinition[];
    /** The group id names a configured node id (so the same at the next start), not a random one. */
    nodeIdConfigured: boolean;
  },
): EventConsumer<undefined> {
  return new EventConsumer<undefined>({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: options.topics,
    topicPrefix: options.topicPrefix,
    fromBeginning: true,
    groupPerProcess: options.nodeIdConfigured ? 'reused' : 'new',
    catalog: options.catalog,
    processedEvents: new ApplyEveryDelivery(),
    deadLetters: options.deadLetters,
    logger: options.logger,
    metrics: options.metrics,
    sessionTimeoutMs: 10_000,
    // A fetched batch is held whole while it is handled, and the allocator keeps the pages of large freed fetch
    // buffers: a quarter of kafkajs' default keeps a million-revocation rebuild ~80 MiB lower, no slower.
    maxBytesPerPartition: 256 * 1024,
  });
}

/**
 * A view's node id when none is configured: the host name (as a consumer group id may spell it) and random bytes, so
 * two processes on one host never share a group and take each other's partitions.
 */
export function defaultViewNodeId(): string {
  return `${hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 60)}-${randomBytes(6).toString('hex')}`;
}
