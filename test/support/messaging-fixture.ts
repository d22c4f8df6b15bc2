import { EventCatalog, RevocationUpsertedV1, Topics, type TopicDefinition, topicName } from '@tessera/contracts';
import {
  createKafka,
  DeadLetterPublisher,
  EventConsumer,
  InMemoryProcessedEvents,
  type ProcessedEvents,
  OutboxRelay,
  OutboxWriter,
  ProducerConnection,
  silentLogger,
  TopicProvisioner,
} from '@tessera/messaging';
import type { Kafka } from 'kafkajs';
import type { EntityManager } from 'typeorm';
import { Pool } from 'pg';
import { randomUUID } from 'node:crypto';

export const catalog = new EventCatalog();

export function testKafka(brokers: string[]): Kafka {
  return createKafka(
    { brokers, clientId: 'tessera-test', topicPrefix: '', replicationFactor: -1, ssl: false },
    silentLogger,
  );
}

export async function provisionTopics(kafka: Kafka, prefix: string, topics: readonly TopicDefinition[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await new TopicProvisioner(admin, prefix, -1, silentLogger).provision(topics);
  } finally {
    await admin.disconnect();
  }
}

/** A relay with a pool of its own; its connections carry `applicationName`, so a test can find and kill them. */
export function relayFor(
  databaseUrl: string,
  kafka: Kafka,
  schema: string,
  pollIntervalMs: number,
  applicationName = 'tessera-test-relay',
) {
  const pool = new Pool({ connectionString: databaseUrl, max: 3, application_name: applicationName });
  pool.on('error', () => undefined); // an idle client whose server session was killed; the pool replaces it
  const producer = new ProducerConnection(kafka);
  const relay = new OutboxRelay(
    pool,
    producer,
    { schema, pollIntervalMs, batchSize: 100, retentionHours: 1 },
    silentLogger,
  );
  return {
    relay,
    pool,
    async close() {
      await relay.stop();
      await producer.disconnect();
      await pool.end();
    },
  };
}

export function writerFor(schema: string, prefix: string): OutboxWriter {
  return new OutboxWriter(schema, catalog, 'test', prefix);
}

/** Appends a revocation event; `reason` carries whatever the test wants to follow (an order number). */
export async function appendRevocation(writer: OutboxWriter, tx: EntityManager, revocationId: string, reason: string) {
  return writer.append(tx, RevocationUpsertedV1, {
    tenant: 'acme',
    data: {
      revocationId,
      subject: { kind: 'device', value: `device-${revocationId.slice(0, 8)}` },
      reason,
      createdAt: new Date().toISOString(),
      expiresAt: null,
    },
  });
}

export { randomUUID, topicName };

/** A consumer of the revocations topic, as a service would run one, in a consumer group of its own. */
export function revocationConsumer<Tx = undefined>(options: {
  kafka: Kafka;
  producer: ProducerConnection;
  prefix: string;
  group: string;
  processedEvents?: ProcessedEvents<Tx>;
  sessionTimeoutMs?: number;
  /** Revocations by default. */
  topics?: readonly TopicDefinition[];
}): EventConsumer<Tx> {
  return new EventConsumer<Tx>({
    kafka: options.kafka,
    groupId: `${options.group}-${Math.random().toString(16).slice(2, 10)}`,
    topics: options.topics ?? [Topics.revocations],
    topicPrefix: options.prefix,
    fromBeginning: true,
    catalog,
    processedEvents: options.processedEvents ?? (new InMemoryProcessedEvents() as unknown as ProcessedEvents<Tx>),
    deadLetters: new DeadLetterPublisher(options.producer, options.prefix),
    logger: silentLogger,
    sessionTimeoutMs: options.sessionTimeoutMs,
  });
}
