import { EventCatalog, RevocationUpsertedV1, Topics, topicName } from '@tessera/contracts';
import { ProducerConnection } from '@tessera/messaging';
import { randomUUID } from 'node:crypto';
import { provisionTopics, revocationConsumer, testKafka } from '../support/messaging-fixture';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const prefix = `test-${uniqueSuffix()}.`;
const catalog = new EventCatalog();

/** A view like the verifier's: the latest revocation per key, tombstones remove. */
function revocationView(kafka: ReturnType<typeof testKafka>, producer: ProducerConnection) {
  const view = new Map<string, string>();
  const consumer = revocationConsumer({ kafka, producer, prefix, group: 'test-view' })
    .on(RevocationUpsertedV1, async (event) => {
      view.set(event.key, event.data.reason ?? '');
    })
    .onTombstone(Topics.revocations, async ({ key }) => {
      view.delete(key);
    });
  return { view, consumer };
}

describe('rebuilding state from a compacted topic', () => {
  const kafka = testKafka(env.kafkaBrokers);
  const producer = new ProducerConnection(kafka);

  beforeAll(async () => {
    await provisionTopics(kafka, prefix, [Topics.revocations, Topics.deadLetter]);
  });

  afterAll(async () => {
    await producer.disconnect();
  });

  it('a new consumer reading from the beginning ends with the latest value per key, and knows when it caught up', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const latest = new Map<string, string>();
    const messages = [];
    for (let version = 1; version <= 4; version++) {
      for (const revocationId of ids) {
        const event = catalog.build(RevocationUpsertedV1, {
          tenant: 'acme',
          producer: 'test',
          data: {
            revocationId,
            subject: { kind: 'device', value: revocationId },
            reason: `version ${version}`,
            createdAt: new Date().toISOString(),
            expiresAt: null,
          },
        });
        latest.set(event.key, `version ${version}`);
        messages.push({ key: event.key, value: JSON.stringify(event) });
      }
    }
    // Lifting the last revocation: a tombstone on its key.
    const lifted = `acme/revocation/${ids[4] ?? ''}`;
    messages.push({ key: lifted, value: null });
    latest.delete(lifted);
    const connected = await producer.ensureConnected();
    await connected.send({ topic: topicName(Topics.revocations, prefix), acks: -1, messages });

    const { view, consumer } = revocationView(kafka, producer);
    await consumer.start();
    try {
      await consumer.caughtUp;
      expect(consumer.isCaughtUp).toBe(true);
      expect(Object.fromEntries(view)).toEqual(Object.fromEntries(latest));
      expect(view.size).toBe(4);
    } finally {
      await consumer.stop();
    }
  });

  it('is caught up only when every assigned topic is: a quick small topic does not count for a slower big one', async () => {
    const multiPrefix = `test-${uniqueSuffix()}.`;
    await provisionTopics(kafka, multiPrefix, [Topics.revocations, Topics.keys, Topics.deadLetter]);
    const connected = await producer.ensureConnected();
    // keys: one tombstone, done at once; revocations: many events across its partitions.
    await connected.send({
      topic: topicName(Topics.keys, multiPrefix),
      acks: -1,
      messages: [{ key: 'acme/key/k1', value: null }],
    });
    const revocationMessages = Array.from({ length: 300 }, (_, i) => {
      const event = catalog.build(RevocationUpsertedV1, {
        tenant: 'acme',
        producer: 'test',
        data: {
          revocationId: randomUUID(),
          subject: { kind: 'token', value: `jti-${i}` },
          createdAt: new Date().toISOString(),
          expiresAt: null,
        },
      });
      return { key: event.key, value: JSON.stringify(event) };
    });
    await connected.send({ topic: topicName(Topics.revocations, multiPrefix), acks: -1, messages: revocationMessages });

    let revocationsSeen = 0;
    let keyTombstones = 0;
    const consumer = revocationConsumer({
      kafka,
      producer,
      prefix: multiPrefix,
      group: 'test-multi',
      topics: [Topics.keys, Topics.revocations],
    })
      .on(RevocationUpsertedV1, async () => {
        revocationsSeen += 1;
      })
      .onTombstone(Topics.keys, async () => {
        keyTombstones += 1;
      });
    await consumer.start();
    try {
      await consumer.caughtUp;
      expect(keyTombstones).toBe(1);
      expect(revocationsSeen).toBe(300);
      expect(consumer.isHealthy()).toBe(true);
    } finally {
      await consumer.stop();
    }
  });

  it('an empty topic counts as caught up at once', async () => {
    const emptyPrefix = `test-${uniqueSuffix()}.`;
    await provisionTopics(kafka, emptyPrefix, [Topics.revocations]);
    const consumer = revocationConsumer({ kafka, producer, prefix: emptyPrefix, group: 'test-empty' });
    await consumer.start();
    try {
      await consumer.caughtUp;
      expect(consumer.isCaughtUp).toBe(true);
    } finally {
      await consumer.stop();
    }
  });
});
