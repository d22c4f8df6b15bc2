import { RevocationUpsertedV1, Topics } from '@tessera/contracts';
import { type EventConsumer, PostgresProcessedEvents, ProducerConnection, silentLogger } from '@tessera/messaging';
import { KafkaRuntime } from '@tessera/service-runtime';
import type { DataSource, EntityManager } from 'typeorm';
import { DedicatedBroker } from '../support/dedicated-broker';
import { eventually } from '../support/eventually';
import { produceRaw } from '../support/kafka-probe';
import {
  appendRevocation,
  provisionTopics,
  randomUUID,
  relayFor,
  revocationConsumer,
  testKafka,
  writerFor,
} from '../support/messaging-fixture';
import { createTestSchema, dropTestSchema } from '../support/test-schema';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `restart_${suffix}`;
const prefix = `test-${suffix}.`;

// Stopping a broker would disturb every other test, so this suite runs a broker of its own.
const broker = new DedicatedBroker(19092, 'restart-test');

describe('outbox and consumers across a Kafka outage (a broker of its own, stopped and restarted)', () => {
  let dataSource: DataSource;
  let relay: ReturnType<typeof relayFor>;
  let consumer: EventConsumer<EntityManager>;
  let runtime: KafkaRuntime;
  let producer: ProducerConnection;
  const writer = writerFor(schema, prefix);

  const appliedRows = async () =>
    await dataSource.query<
      {
        key: string;
        n: number;
        event_id: string;
      }[]
    >(`SELECT key, n, event_id FROM "${schema}".applied ORDER BY seq`);

  beforeAll(async () => {
    await broker.destroy();
    await broker.start();
    dataSource = await createTestSchema(env.databaseUrl, schema);
    await dataSource.query(`CREATE TABLE "${schema}".counter (key text PRIMARY KEY, n integer NOT NULL)`);
    await dataSource.query(
      `CREATE TABLE "${schema}".applied (seq serial PRIMARY KEY, key text NOT NULL, n integer NOT NULL, event_id uuid NOT NULL)`,
    );
    const kafka = testKafka(broker.brokers);
    await provisionTopics(kafka, prefix, [Topics.revocations, Topics.deadLetter]);
    runtime = new KafkaRuntime(
      { brokers: broker.brokers, clientId: 'test', topicPrefix: prefix, replicationFactor: -1, ssl: false },
      [],
      silentLogger,
    );
    relay = relayFor(env.databaseUrl, kafka, schema, 200);
    await relay.relay.start();
    producer = new ProducerConnection(kafka);
    consumer = revocationConsumer({
      kafka,
      producer,
      prefix,
      group: 'test-restart',
      processedEvents: new PostgresProcessedEvents(dataSource, schema),
      sessionTimeoutMs: 10_000,
    }).on(RevocationUpsertedV1, async (event, tx) => {
      await tx.query(`INSERT INTO "${schema}".applied (key, n, event_id) VALUES ($1, $2, $3)`, [
        event.data.revocationId,
        Number(event.data.reason),
        event.id,
      ]);
    });
    await consumer.start();
  }, 120_000);

  afterAll(async () => {
    await consumer.stop();
    await relay.close();
    await producer.disconnect();
    await runtime.stop();
    await broker.destroy();
    await dropTestSchema(dataSource, schema);
  }, 60_000);

  const writeEvents = async (keys: string[], perKey: number) => {
    const ids: string[] = [];
    await Promise.all(
      keys.map(async (key) => {
        for (let i = 0; i < perKey; i++) {
          const envelope = await dataSource.transaction(async (tx) => {
            const [row] = await tx.query<{ n: number }[]>(
              `INSERT INTO "${schema}".counter (key, n) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET n = counter.n + 1 RETURNING n`,
              [key],
            );
            return appendRevocation(writer, tx, key, String(row?.n));
          });
          ids.push(envelope.id);
        }
      }),
    );
    return ids;
  };

  it('commits while the broker is down; after it returns every event arrives in order per key and is applied once', async () => {
    const warmUp = await writeEvents([randomUUID()], 1);
    await eventually(async () => (await appliedRows()).length === 1, 'the warm-up event to be applied', 30_000);
    expect((await runtime.ping()).up).toBe(true);

    await broker.stop();
    expect((await runtime.ping(1000)).up).toBe(false);

    const keys = [randomUUID(), randomUUID(), randomUUID()];
    const ids = await writeEvents(keys, 10);
    expect(ids).toHaveLength(30);
    await eventually(() => relay.relay.state === 'failing', 'the relay to notice Kafka is away', 30_000);
    expect(await relay.relay.pendingCount()).toBe(30);

    await broker.start();
    await eventually(async () => (await appliedRows()).length === 31, 'all 31 events to be applied', 90_000);
    expect((await runtime.ping()).up).toBe(true);
    await eventually(() => relay.relay.state === 'running', 'the relay to report it is publishing again', 10_000);
    expect(await relay.relay.pendingCount()).toBe(0);

    const rows = await appliedRows();
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set([...warmUp, ...ids]));
    for (const key of keys) {
      expect(rows.filter((r) => r.key === key).map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }

    // The same event delivered again (as after a relay crash between Kafka's ack and its commit) changes nothing.
    const [again] = await dataSource.query<{ message_key: string; payload: unknown }[]>(
      `SELECT message_key, payload FROM "${schema}".outbox_event WHERE event_id = $1`,
      [ids[0]],
    );
    await produceRaw(broker.brokers, `${prefix}${Topics.revocations.name}`, [
      { key: again?.message_key ?? '', value: JSON.stringify(again?.payload) },
    ]);
    // Written after the copy was acknowledged, on the same key (same partition): handled after it.
    const markerIds = await writeEvents([again?.message_key.split('/')[2] ?? ''], 1);
    await eventually(
      async () => (await appliedRows()).some((r) => r.event_id === markerIds[0]),
      'the marker event',
      30_000,
    );
    const final = await appliedRows();
    expect(final.filter((r) => r.event_id === ids[0])).toHaveLength(1);
    const processed = await dataSource.query<
      {
        n: number;
      }[]
    >(`SELECT count(*)::int AS n FROM "${schema}".processed_event`);
    expect(processed[0]?.n).toBe(32);
  }, 180_000);
});
