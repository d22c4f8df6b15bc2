import { EventCatalog, RevocationUpsertedV1, TenantUpsertedV1, Topics } from '@tessera/contracts';
import { sleep } from '@tessera/timing';
import type { ConsumerConfig, ConsumerRunConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { silentLogger } from '../logger';
import { MessagingMetrics } from '../metrics';
import type { DeadLetter, DeadLetterPublisher } from './dead-letter-publisher';
import { EventConsumer } from './event-consumer';
import { InMemoryProcessedEvents } from './processed-events';

const catalog = new EventCatalog();
const topic = 'test.tessera.revocations.v1';

function revocation(reason: string) {
  return catalog.build(RevocationUpsertedV1, {
    tenant: 'acme',
    producer: 'test',
    data: {
      revocationId: randomUUID(),
      subject: { kind: 'device', value: `device-${reason}` },
      reason,
      createdAt: '2026-12-01T10:00:00.000Z',
      expiresAt: null,
    },
  });
}

/** Messages at offsets 0, 1, ... as kafkajs hands them over. */
function messages(values: (object | string | null)[], firstOffset = 0): KafkaMessage[] {
  return values.map((value, i) => ({
    key: Buffer.from('acme/revocation/x'),
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    offset: String(firstOffset + i),
    timestamp: '0',
    attributes: 0,
    headers: {},
  }));
}

/** A kafkajs client that records the consumer's run() config, so a test can hand it batches itself. */
function fakeKafka(high = '0', partitions = 1) {
  let config: ConsumerRunConfig | undefined;
  let consumerConfig: ConsumerConfig | undefined;
  let onJoin: ((event: { payload: { memberAssignment: Record<string, number[]> } }) => void) | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: (name: string, listener: typeof onJoin) => {
      if (name === 'consumer.group_join') onJoin = listener;
    },
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (runConfig: ConsumerRunConfig) => {
      config = runConfig;
    },
    disconnect: async () => undefined,
  };
  const deletedGroups: string[] = [];
  const admin = {
    deleteGroups: async (groupIds: string[]) => {
      deletedGroups.push(...groupIds);
      return groupIds.map((groupId) => ({ groupId, errorCode: 0 }));
    },
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicOffsets: async () =>
      Array.from({ length: partitions }, (_, partition) => ({ partition, offset: high, high, low: '0' })),
    fetchOffsets: async () => [{ topic, partitions: [{ partition: 0, offset: '-1' }] }],
  };
  return {
    kafka: {
      consumer: (options: ConsumerConfig) => {
        consumerConfig = options;
        return consumer;
      },
      admin: () => admin,
    } as unknown as Kafka,
    consumerConfig: () => consumerConfig!,
    deletedGroups,
    config: () => config!,
    join: () => onJoin?.({ payload: { memberAssignment: { [topic]: [0] } } }),
  };
}

/** A batch of `batchMessages` and what the consumer did with its offsets and heartbeats. */
function batch(batchMessages: KafkaMessage[], isRunning: () => boolean = () => true, isStale = () => false) {
  const resolved: string[] = [];
  let heartbeats = 0;
  const payload = {
    batch: { topic, partition: 0, messages: batchMessages, highWatermark: '0' },
    resolveOffset: (offset: string) => resolved.push(offset),
    heartbeat: async () => {
      heartbeats += 1;
    },
    commitOffsetsIfNecessary: async () => undefined,
    uncommittedOffsets: () => ({ topics: [] }),
    isRunning,
    isStale,
    pause: () => () => undefined,
  } as unknown as EachBatchPayload;
  return { payload, resolved, heartbeats: () => heartbeats };
}

function setUp(high = '0', maxBytesPerPartition?: number, groupPerProcess?: 'new' | 'reused', partitions = 1) {
  const fake = fakeKafka(high, partitions);
  const letters: DeadLetter[] = [];
  const deadLetters = {
    topic: 'test.tessera.dead-letter.v1',
    publish: async (letter: DeadLetter) => {
      letters.push(letter);
    },
  } as unknown as DeadLetterPublisher;
  const metrics = new MessagingMetrics(new Registry());
  const consumer = new EventConsumer<undefined>({
    kafka: fake.kafka,
    groupId: 'verifier-test',
    topics: [Topics.revocations],
    topicPrefix: 'test.',
    fromBeginning: true,
    catalog,
    processedEvents: new InMemoryProcessedEvents(),
    deadLetters,
    logger: silentLogger,
    metrics,
    maxBytesPerPartition,
    groupPerProcess,
  });
  const consumed = async () =>
    Object.fromEntries((await metrics.consumed.get()).values.map((v) => [String(v.labels.outcome), v.value]));
  const eachBatch = (payload: EachBatchPayload) => fake.config().eachBatch!(payload);
  return { consumer, fake, letters, consumed, eachBatch };
}

describe('EventConsumer, a batch at a time', () => {
  it('handles a batch in order, resolves its last offset, and counts each outcome once', async () => {
    const { consumer, letters, consumed, eachBatch } = setUp();
    const applied: string[] = [];
    consumer.on(RevocationUpsertedV1, async (event) => {
      applied.push(event.data.reason ?? '');
    });
    consumer.onTombstone(Topics.revocations, async ({ key }) => {
      applied.push(`lifted ${key}`);
    });
    await consumer.start();
    const first = revocation('first');
    const tenant = catalog.build(TenantUpsertedV1, {
      tenant: 'acme',
      producer: 'test',
      data: { tenantId: 'acme', name: 'Acme', status: 'active' },
    });
    const { payload, resolved } = batch(
      messages([first, revocation('second'), first, null, '{not json', tenant, revocation('last')]),
    );
    await eachBatch(payload);

    expect(applied).toEqual(['first', 'second', 'lifted acme/revocation/x', 'last']);
    expect(resolved.at(-1)).toBe('6');
    expect(letters.map((letter) => [letter.message.offset, letter.reason])).toEqual([['4', 'value is not JSON']]);
    expect(await consumed()).toEqual({ applied: 3, duplicate: 1, tombstone: 1, ignored: 1, 'dead-lettered': 1 });
    await consumer.stop();
  });

  it('stops between messages once the consumer stops running, resolving only what it handled', async () => {
    const { consumer, eachBatch } = setUp();
    const applied: string[] = [];
    consumer.on(RevocationUpsertedV1, async (event) => {
      applied.push(event.data.reason ?? '');
    });
    await consumer.start();
    const { payload, resolved } = batch(
      messages([revocation('a'), revocation('b'), revocation('c')]),
      () => applied.length < 2,
    );
    await eachBatch(payload);
    expect(applied).toEqual(['a', 'b']);
    expect(resolved).toEqual(['1']);
    await consumer.stop();
  });

  it('leaves a stale batch (its partition was sought elsewhere) alone', async () => {
    const { consumer, eachBatch } = setUp();
    const applied: string[] = [];
    consumer.on(RevocationUpsertedV1, async (event) => {
      applied.push(event.data.reason ?? '');
    });
    await consumer.start();
    const { payload, resolved } = batch(messages([revocation('a')]), undefined, () => true);
    await eachBatch(payload);
    expect(applied).toEqual([]);
    expect(resolved).toEqual([]);
    await consumer.stop();
  });

  it('abandons a message whose handler keeps failing when the consumer stops, resolving the ones before it', async () => {
    const { consumer, eachBatch } = setUp();
    const applied: string[] = [];
    consumer.on(RevocationUpsertedV1, async (event) => {
      if (event.data.reason === 'failing') {
        void consumer.stop();
        throw new Error('database restarting');
      }
      applied.push(event.data.reason ?? '');
    });
    await consumer.start();
    const { payload, resolved } = batch(messages([revocation('a'), revocation('failing'), revocation('c')]));
    await expect(eachBatch(payload)).rejects.toThrow('consumer is stopping');
    expect(applied).toEqual(['a']);
    expect(resolved).toEqual(['0']);
  });

  it('resolves, heartbeats and lets kafkajs commit on the way through a long batch', async () => {
    const { consumer, eachBatch } = setUp();
    consumer.on(RevocationUpsertedV1, () => sleep(300));
    await consumer.start();
    const { payload, resolved, heartbeats } = batch(messages([revocation('a'), revocation('b'), revocation('c')]));
    await eachBatch(payload);
    expect(heartbeats()).toBeGreaterThanOrEqual(1);
    expect(resolved.length).toBeGreaterThanOrEqual(2);
    expect(resolved.at(-1)).toBe('2');
    await consumer.stop();
  });

  it('is caught up once the batch reaching the high watermark it joined at is handled', async () => {
    const { consumer, fake, eachBatch } = setUp('3');
    consumer.on(RevocationUpsertedV1, async () => undefined);
    await consumer.start();
    fake.join();
    await sleep(10); // the join reads the partition's offsets
    await eachBatch(batch(messages([revocation('a'), revocation('b')])).payload);
    expect(consumer.isCaughtUp).toBe(false);
    await eachBatch(batch(messages([revocation('c')], 2)).payload);
    expect(consumer.isCaughtUp).toBe(true);
    await expect(consumer.caughtUp).resolves.toBeUndefined();
    await consumer.stop();
  });

  it("fetches kafkajs' default per partition unless told a size", () => {
    expect(setUp().fake.consumerConfig().maxBytesPerPartition).toBeUndefined();
    expect(setUp('0', 256 * 1024).fake.consumerConfig().maxBytesPerPartition).toBe(256 * 1024);
  });

  it('deletes a reused view group at its first start in the process, keeps it across restarts, deletes it at shutdown', async () => {
    const { consumer, fake } = setUp('0', undefined, 'reused');
    await consumer.start();
    expect(fake.deletedGroups).toEqual(['verifier-test']);
    await consumer.stop();
    await consumer.start();
    expect(fake.deletedGroups).toEqual(['verifier-test']);
    await consumer.shutdown();
    expect(fake.deletedGroups).toEqual(['verifier-test', 'verifier-test']);
  });

  it('deletes a new (random) view group only at shutdown: nothing to forget, so no permission needed to start', async () => {
    const { consumer, fake } = setUp('0', undefined, 'new');
    await consumer.start();
    expect(fake.deletedGroups).toEqual([]);
    await consumer.shutdown();
    expect(fake.deletedGroups).toEqual(['verifier-test']);
  });

  it('gives up, never ready, when its view group assigns it only some partitions (another process, same id)', async () => {
    const { consumer, fake } = setUp('0', undefined, 'new', 2);
    await consumer.start();
    fake.join();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(consumer.needsRestart()).toBe(true);
    expect(consumer.isHealthy()).toBe(false);
    expect(consumer.isCaughtUp).toBe(false);
    await consumer.stop();
  });

  it('counts a whole assignment as a view group of its own, and catches up', async () => {
    const { consumer, fake } = setUp('0', undefined, 'new');
    await consumer.start();
    fake.join();
    await consumer.caughtUp;
    expect(consumer.needsRestart()).toBe(false);
    expect(consumer.isHealthy()).toBe(true);
    await consumer.stop();
  });

  it('never deletes the group of a consumer that is not a view', async () => {
    const { consumer, fake } = setUp();
    await consumer.start();
    await consumer.stop();
    await consumer.start();
    await consumer.shutdown();
    expect(fake.deletedGroups).toEqual([]);
  });
});
