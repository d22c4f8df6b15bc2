import { Topics } from '@tessera/contracts';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { TopicProbe } from '../support/kafka-probe';
import {
  appendRevocation,
  provisionTopics,
  randomUUID,
  relayFor,
  testKafka,
  topicName,
  writerFor,
} from '../support/messaging-fixture';
import { createTestSchema, dropTestSchema } from '../support/test-schema';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `handover_${suffix}`;
const prefix = `test-${suffix}.`;

describe('a relay stopped in the middle of a burst hands over to the next one', () => {
  let dataSource: DataSource;
  let kafka: Kafka;
  let probe: TopicProbe;
  const writer = writerFor(schema, prefix);

  beforeAll(async () => {
    dataSource = await createTestSchema(env.databaseUrl, schema);
    kafka = testKafka(env.kafkaBrokers);
    await provisionTopics(kafka, prefix, [Topics.revocations]);
    probe = await new TopicProbe(env.kafkaBrokers, [topicName(Topics.revocations, prefix)]).start();
  });

  afterAll(async () => {
    await probe.stop();
    await dropTestSchema(dataSource, schema);
  });

  it('loses nothing: every event committed is published once the next relay runs', async () => {
    const first = relayFor(env.databaseUrl, kafka, schema, 200);
    await first.relay.start();

    const ids: string[] = [];
    const writers = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 60; i++) {
        const envelope = await dataSource.transaction((tx) => appendRevocation(writer, tx, randomUUID(), 'burst'));
        ids.push(envelope.id);
      }
    });
    // Stop while writers are still committing and the relay is publishing.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await first.close();
    expect(first.relay.state).toBe('stopped');
    await Promise.all(writers);
    expect(ids).toHaveLength(480);

    const second = relayFor(env.databaseUrl, kafka, schema, 200);
    await second.relay.start();
    try {
      const received = () => new Set(probe.received.map((m) => (JSON.parse(m.value ?? '{}') as { id?: string }).id));
      await probe.waitFor(() => ids.every((id) => received().has(id)), 30_000, 'all 480 events');
      expect(await second.relay.pendingCount()).toBe(0);
    } finally {
      await second.close();
    }
  });
});
