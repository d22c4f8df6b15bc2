import { AttestationRecordedV1, RevocationUpsertedV1, Topics } from '@tessera/contracts';
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
const schema = `outbox_${suffix}`;
const prefix = `test-${suffix}.`;
const revocations = topicName(Topics.revocations, prefix);
const attestations = topicName(Topics.attestations, prefix);
const relayName = `tessera-test-relay-${suffix}`;

describe('transactional outbox against the real Postgres and Kafka', () => {
  let dataSource: DataSource;
  let kafka: Kafka;
  let probe: TopicProbe;
  let relay: ReturnType<typeof relayFor>;
  const writer = writerFor(schema, prefix);

  beforeAll(async () => {
    dataSource = await createTestSchema(env.databaseUrl, schema);
    await dataSource.query(`CREATE TABLE "${schema}".counter (key text PRIMARY KEY, n integer NOT NULL)`);
    kafka = testKafka(env.kafkaBrokers);
    await provisionTopics(kafka, prefix, [Topics.revocations, Topics.attestations, Topics.deadLetter]);
    probe = await new TopicProbe(env.kafkaBrokers, [revocations, attestations]).start();
    // A poll interval far beyond the test's waits: what gets published here was woken by the commit (NOTIFY).
    relay = relayFor(env.databaseUrl, kafka, schema, 600_000, relayName);
    await relay.relay.start();
  });

  afterAll(async () => {
    await relay.close();
    await probe.stop();
    await dropTestSchema(dataSource, schema);
  });

  const idsReceived = () => probe.received.map((m) => (JSON.parse(m.value ?? '{}') as { id?: string }).id);

  it('publishes exactly the event of a committed change, woken by the commit', async () => {
    const revocationId = randomUUID();
    const envelope = await dataSource.transaction((tx) => appendRevocation(writer, tx, revocationId, 'committed'));

    await probe.waitFor(
      (received) => received.some((m) => m.value?.includes(envelope.id)),
      10_000,
      'the committed event',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const matching = probe.received.filter((m) => m.value?.includes(envelope.id));
    expect(matching).toHaveLength(1);
    expect(matching[0]?.key).toBe(`acme/revocation/${revocationId}`);
    expect(matching[0]?.headers).toMatchObject({
      'tessera-event-id': envelope.id,
      'tessera-event-type': 'revocation.upserted',
      'tessera-event-version': '1',
      'tessera-tenant': 'acme',
    });
    expect(JSON.parse(matching[0]?.value ?? '')).toEqual(envelope);
    const rows: { published_at: Date | null }[] = await dataSource.query(
      `SELECT published_at FROM "${schema}".outbox_event WHERE event_id = $1`,
      [envelope.id],
    );
    expect(rows[0]?.published_at).toBeInstanceOf(Date);
  });

  it('publishes an event appended alone (one statement, woken by its commit), and keeps compacted topics ordered', async () => {
    const envelope = await writer.appendUnordered(dataSource, AttestationRecordedV1, {
      tenant: 'acme',
      data: {
        attestationId: randomUUID(),
        appId: randomUUID(),
        verdict: 'pass',
        reasons: [],
        monitored: [],
        registrationId: randomUUID(),
        deviceId: null,
        installationKeyThumbprint: null,
        platform: 'android',
        sdkVersion: '1.0.0',
        jti: randomUUID(),
        latencyMs: 3,
        clientIp: null,
      },
    });
    await probe.waitFor(
      (received) => received.some((m) => m.topic === attestations && m.value?.includes(envelope.id)),
      10_000,
      'the event appended alone',
    );
    const before = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${schema}".outbox_event`);
    await expect(
      writer.appendUnordered(dataSource, RevocationUpsertedV1, {
        tenant: 'acme',
        data: {
          revocationId: randomUUID(),
          subject: { kind: 'device', value: 'd1' },
          createdAt: new Date().toISOString(),
          expiresAt: null,
        },
      }),
    ).rejects.toThrow('compacted');
    const after = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${schema}".outbox_event`);
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('publishes nothing for a rolled-back change', async () => {
    let rolledBackId = '';
    await expect(
      dataSource.transaction(async (tx) => {
        rolledBackId = (await appendRevocation(writer, tx, randomUUID(), 'rolled back')).id;
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    // A later commit goes out; when it has, the rolled-back one would have too.
    const marker = await dataSource.transaction((tx) => appendRevocation(writer, tx, randomUUID(), 'marker'));
    await probe.waitFor(() => idsReceived().includes(marker.id), 10_000, 'the marker event');

    expect(rolledBackId).not.toBe('');
    expect(idsReceived()).not.toContain(rolledBackId);
    const rows: unknown[] = await dataSource.query(`SELECT 1 FROM "${schema}".outbox_event WHERE event_id = $1`, [
      rolledBackId,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('refuses to write an event outside the transaction of a state change', async () => {
    await expect(appendRevocation(writer, dataSource.manager, randomUUID(), 'autocommit')).rejects.toThrow(
      /needs the transaction of the state change/,
    );
  });

  it('holds a second writer of the same key until the first commits, so Kafka gets the key in commit order', async () => {
    const key = randomUUID();
    const first = dataSource.createQueryRunner();
    await first.connect();
    await first.startTransaction();
    const firstEvent = await appendRevocation(writer, first.manager, key, 'first');

    let secondDone = false;
    const second = dataSource
      .transaction((tx) => appendRevocation(writer, tx, key, 'second'))
      .finally(() => {
        secondDone = true;
      });
    // Another key is not held up by the open transaction.
    const otherKey = await dataSource.transaction((tx) => appendRevocation(writer, tx, randomUUID(), 'other key'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondDone).toBe(false);

    await first.commitTransaction();
    await first.release();
    const secondEvent = await second;
    await probe.waitFor(() => idsReceived().includes(secondEvent.id), 10_000, 'the second event');
    const order = idsReceived().filter((id) => id === firstEvent.id || id === secondEvent.id);
    expect(order).toEqual([firstEvent.id, secondEvent.id]);
    expect(idsReceived()).toContain(otherKey.id);
  });

  it('survives its Postgres connections being killed, and goes on publishing', async () => {
    const before = await dataSource.transaction((tx) => appendRevocation(writer, tx, randomUUID(), 'before the kill'));
    await probe.waitFor(() => idsReceived().includes(before.id), 10_000, 'the event before the kill');

    const killed = await dataSource.query<{ pid: number }[]>(
      `SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE application_name = $1`,
      [relayName],
    );
    expect(killed.length).toBeGreaterThan(0);

    // No crash (an unhandled 'error' event would end this test run), and the next commits still go out: through
    // the poll until the LISTEN connection is back, then by NOTIFY again.
    const after = await dataSource.transaction((tx) => appendRevocation(writer, tx, randomUUID(), 'after the kill'));
    await probe.waitFor(() => idsReceived().includes(after.id), 15_000, 'the event after the kill');
    expect(['running', 'failing']).toContain(relay.relay.state);
    // Reconnecting leaked nothing: one LISTEN session, and the pool is not exhausted.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const listening = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`,
      [relayName],
    );
    expect(listening[0]?.n).toBe(1);
    expect(relay.pool.totalCount).toBeLessThanOrEqual(2);
  });

  it('a stopped relay survives its old sessions being killed afterwards', async () => {
    const name = `tessera-test-stopped-${suffix}`;
    const stopped = relayFor(env.databaseUrl, kafka, schema, 600_000, name);
    await stopped.relay.start();
    await stopped.relay.stop();
    await dataSource.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [
      name,
    ]);
    // An error on a client the relay released twice would be an uncaught exception ending this run.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stopped.close();
    expect(stopped.relay.state).toBe('stopped');
  });

  it('with two relays and concurrent writers, publishes every event once and in commit order per key', async () => {
    const second = relayFor(env.databaseUrl, kafka, schema, 600_000);
    await second.relay.start();
    try {
      const keys = Array.from({ length: 6 }, () => randomUUID());
      const perKey = 25;
      const expectedIds: string[] = [];
      // Two writers per key race each other; the counter row decides (and records) their commit order.
      const writerTask = async (key: string) => {
        for (let i = 0; i < perKey; i++) {
          const envelope = await dataSource.transaction(async (tx) => {
            const [row] = await tx.query<{ n: number }[]>(
              `INSERT INTO "${schema}".counter (key, n) VALUES ($1, 1)
               ON CONFLICT (key) DO UPDATE SET n = counter.n + 1 RETURNING n`,
              [key],
            );
            return appendRevocation(writer, tx, key, String(row?.n));
          });
          expectedIds.push(envelope.id);
        }
      };
      await Promise.all(keys.flatMap((key) => [writerTask(key), writerTask(key)]));

      const ofTest = () => probe.received.filter((m) => keys.some((k) => m.key === `acme/revocation/${k}`));
      await probe.waitFor(() => ofTest().length >= expectedIds.length, 30_000, `${expectedIds.length} events`);
      await new Promise((resolve) => setTimeout(resolve, 500));

      const received = ofTest();
      const ids = received.map((m) => (JSON.parse(m.value ?? '') as { id: string }).id);
      expect(ids).toHaveLength(expectedIds.length);
      expect(new Set(ids)).toEqual(new Set(expectedIds));
      for (const key of keys) {
        const order = received
          .filter((m) => m.key === `acme/revocation/${key}`)
          .map((m) => Number((JSON.parse(m.value ?? '') as { data: { reason: string } }).data.reason));
        expect(order).toEqual(Array.from({ length: perKey * 2 }, (_, i) => i + 1));
      }
    } finally {
      await second.close();
    }
  });
});
