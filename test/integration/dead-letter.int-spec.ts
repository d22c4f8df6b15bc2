import { DeadLetterHeaders, EventCatalog, RevocationUpsertedV1, Topics, topicName } from '@tessera/contracts';
import { type EventConsumer, PermanentEventError, ProducerConnection } from '@tessera/messaging';
import { randomUUID } from 'node:crypto';
import { eventually } from '../support/eventually';
import { produceRaw, TopicProbe } from '../support/kafka-probe';
import { provisionTopics, revocationConsumer, testKafka } from '../support/messaging-fixture';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const prefix = `test-${uniqueSuffix()}.`;
const revocations = topicName(Topics.revocations, prefix);
const deadLetters = topicName(Topics.deadLetter, prefix);
const catalog = new EventCatalog();

function revocationEvent(reason: string) {
  return catalog.build(RevocationUpsertedV1, {
    tenant: 'acme',
    producer: 'test',
    data: {
      revocationId: randomUUID(),
      subject: { kind: 'installation', value: 'thumbprint' },
      reason,
      createdAt: new Date().toISOString(),
      expiresAt: null,
    },
  });
}

describe('consumer validation and the dead-letter topic', () => {
  const kafka = testKafka(env.kafkaBrokers);
  const producer = new ProducerConnection(kafka);
  let deadLetterProbe: TopicProbe;
  let consumer: EventConsumer<undefined>;
  const applied: string[] = [];
  let transientFailuresLeft = 2;

  beforeAll(async () => {
    await provisionTopics(kafka, prefix, [Topics.revocations, Topics.deadLetter]);
    deadLetterProbe = await new TopicProbe(env.kafkaBrokers, [deadLetters]).start();
    consumer = revocationConsumer({ kafka, producer, prefix, group: 'test-dlt' }).on(
      RevocationUpsertedV1,
      async (event) => {
        if (event.data.reason === 'refuse me') throw new PermanentEventError('this revocation can never apply');
        if (event.data.reason === 'flaky' && transientFailuresLeft > 0) {
          transientFailuresLeft -= 1;
          throw new Error('database restarting');
        }
        applied.push(event.data.reason ?? '');
      },
    );
    consumer.onTombstone(Topics.revocations, async ({ key }) => {
      if (key === 'acme/revocation/unliftable') throw new PermanentEventError('this revocation cannot be lifted');
      applied.push(`lifted ${key}`);
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer.stop();
    await deadLetterProbe.stop();
    await producer.disconnect();
  });

  it('sends each invalid message to the dead-letter topic with the reason and goes on with the next', async () => {
    const valid = revocationEvent('valid after the bad ones');
    const badData = { ...revocationEvent('x'), data: { revocationId: 'not-a-uuid' } };
    const unknownType = { ...revocationEvent('x'), type: 'revocation.exploded' };
    await produceRaw(env.kafkaBrokers, revocations, [
      { key: 'acme/revocation/a', value: '{not json', headers: { origin: 'test' } },
      { key: 'acme/revocation/a', value: JSON.stringify(badData) },
      { key: 'acme/revocation/a', value: JSON.stringify(unknownType) },
      { key: 'acme/revocation/a', value: JSON.stringify(valid) },
    ]);

    await deadLetterProbe.waitFor((r) => r.length >= 3, 15_000, 'three dead letters');
    const deadLettered = deadLetterProbe.received.slice(0, 3);
    expect(deadLettered.map((m) => m.headers[DeadLetterHeaders.reason])).toEqual([
      'value is not JSON',
      expect.stringMatching(/^data invalid for revocation\.upserted@v1: revocationId/),
      'unknown event revocation.exploded@v1',
    ]);
    // The original bytes, key and headers travel unchanged, with where they came from.
    expect(deadLettered[0]).toMatchObject({ key: 'acme/revocation/a', value: '{not json' });
    expect(deadLettered[0]?.headers).toMatchObject({
      origin: 'test',
      [DeadLetterHeaders.sourceTopic]: revocations,
    });
    expect(deadLettered[0]?.headers[DeadLetterHeaders.sourcePartition]).toMatch(/^\d+$/);
    expect(deadLettered[0]?.headers[DeadLetterHeaders.sourceOffset]).toMatch(/^\d+$/);
    expect(deadLettered[1]?.value).toBe(JSON.stringify(badData));

    await eventually(
      () => applied.includes('valid after the bad ones'),
      '"valid after the bad ones" to be applied',
      10_000,
    );
  });

  it('dead-letters an event its handler refuses for good, and retries one that fails for a while', async () => {
    const refused = revocationEvent('refuse me');
    const flaky = revocationEvent('flaky');
    const after = revocationEvent('after the refused and the flaky');
    await produceRaw(
      env.kafkaBrokers,
      revocations,
      [refused, flaky, after].map((e) => ({ key: e.key, value: JSON.stringify(e) })),
    );

    await deadLetterProbe.waitFor((r) => r.some((m) => m.value?.includes(refused.id)), 15_000, 'the refused event');
    const letter = deadLetterProbe.received.find((m) => m.value?.includes(refused.id));
    expect(letter?.headers[DeadLetterHeaders.reason]).toBe(
      'handler refused the event: this revocation can never apply',
    );

    await eventually(
      () => applied.includes('after the refused and the flaky'),
      '"after the refused and the flaky" to be applied',
      15_000,
    );
    // Different keys go to different partitions, consumed independently: wait for the retried one too.
    await eventually(() => applied.includes('flaky'), 'the flaky event to be applied after its retries', 15_000);
    expect(applied.filter((r) => r === 'flaky')).toHaveLength(1);
    expect(transientFailuresLeft).toBe(0);
    expect(deadLetterProbe.received.some((m) => m.value?.includes(flaky.id))).toBe(false);
  });

  it('dead-letters a tombstone its handler refuses for good, and goes on', async () => {
    await produceRaw(env.kafkaBrokers, revocations, [
      { key: 'acme/revocation/unliftable', value: null },
      { key: 'acme/revocation/unliftable', value: JSON.stringify(revocationEvent('after the refused tombstone')) },
    ]);
    await deadLetterProbe.waitFor(
      (r) => r.some((m) => m.key === 'acme/revocation/unliftable' && m.value === null),
      15_000,
      'the refused tombstone',
    );
    const letter = deadLetterProbe.received.find((m) => m.key === 'acme/revocation/unliftable');
    expect(letter?.headers[DeadLetterHeaders.reason]).toBe(
      'handler refused the tombstone: this revocation cannot be lifted',
    );
    await eventually(() => applied.includes('after the refused tombstone'), 'the event after the tombstone', 15_000);
  });

  it('applies a redelivered event only once', async () => {
    const event = revocationEvent('delivered twice');
    const marker = revocationEvent('marker after the duplicate');
    await produceRaw(env.kafkaBrokers, revocations, [
      { key: event.key, value: JSON.stringify(event) },
      { key: event.key, value: JSON.stringify(event) },
      // Same partition as the copies, so the marker is handled after both of them.
      { key: event.key, value: JSON.stringify(marker) },
    ]);
    await eventually(
      () => applied.includes('marker after the duplicate'),
      '"marker after the duplicate" to be applied',
      10_000,
    );
    expect(applied.filter((r) => r === 'delivered twice')).toHaveLength(1);
  });
});
