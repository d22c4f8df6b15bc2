/**
 * Commit-to-consume latency through the transactional outbox, on the real broker and database:
 * a transaction commits a revocation event, the relay (woken by NOTIFY) publishes it, a consumer receives it.
 * Then a burst, for throughput. Prints figures; targets live in docs/benchmarks.md, not in assertions.
 *
 *   npm run bench:outbox [-- --events 1000 --burst 5000]   (scripts/bench.mjs passes the infra:up settings)
 */
import 'reflect-metadata';
import { EventCatalog, RevocationUpsertedV1, Topics, topicName } from '@tessera/contracts';
import { migrateSchema } from '@tessera/database';
import {
  createKafka,
  MessagingTablesV11795300000000,
  OutboxRelay,
  OutboxWriter,
  ProducerConnection,
  silentLogger,
  TopicProvisioner,
} from '@tessera/messaging';
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

function settings(): { brokers: string[]; databaseUrl: string } {
  const brokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!brokers || !databaseUrl)
    throw new Error('set KAFKA_BROKERS and TEST_DATABASE_URL, or run it through `npm run bench:outbox`');
  return { brokers: brokers.split(','), databaseUrl };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const events = arg('events', 1000);
  const burst = arg('burst', 5000);
  const { brokers, databaseUrl } = settings();
  const suffix = randomBytes(4).toString('hex');
  const schema = `bench_${suffix}`;
  const prefix = `bench-${suffix}.`;
  const topic = topicName(Topics.revocations, prefix);

  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    schema,
    migrations: [MessagingTablesV11795300000000],
    extra: { max: 24 },
  });
  await dataSource.initialize();
  await migrateSchema(dataSource, schema);
  const kafka = createKafka(
    { brokers, clientId: 'tessera-bench', topicPrefix: prefix, replicationFactor: -1, ssl: false },
    silentLogger,
  );
  const admin = kafka.admin();
  await admin.connect();
  await new TopicProvisioner(admin, prefix, -1, silentLogger).provision([Topics.revocations]);
  await admin.disconnect();

  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  const producer = new ProducerConnection(kafka);
  const relay = new OutboxRelay(
    pool,
    producer,
    { schema, pollIntervalMs: 1000, batchSize: 200, retentionHours: 1 },
    silentLogger,
  );
  await relay.start();
  const writer = new OutboxWriter(schema, new EventCatalog(), 'bench', prefix);

  const committedAt = new Map<string, bigint>();
  const latencies: number[] = [];
  let received = 0;
  const consumer = kafka.consumer({ groupId: `bench-${suffix}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => {
      resolve();
    }),
  );
  await consumer.run({
    eachMessage: ({ message }) => {
      const id = message.headers?.['tessera-event-id']?.toString();
      const start = id ? committedAt.get(id) : undefined;
      if (start !== undefined) latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      received += 1;
      return Promise.resolve();
    },
  });
  await joined;

  const append = (tx: EntityManager, id: string) =>
    writer.append(tx, RevocationUpsertedV1, {
      tenant: 'bench',
      id,
      data: {
        revocationId: randomUUID(),
        subject: { kind: 'device', value: id },
        createdAt: new Date().toISOString(),
        expiresAt: null,
      },
    });

  // 1. Latency: one commit at a time, paced, so each event's path is measured alone.
  for (let i = 0; i < events; i++) {
    const id = randomUUID();
    await dataSource.transaction(async (tx) => {
      await append(tx, id);
      committedAt.set(id, process.hrtime.bigint()); // just before COMMIT is sent
    });
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const deadline = Date.now() + 30_000;
  while (latencies.length < events && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const sorted = [...latencies].sort((a, b) => a - b);

  // 2. Throughput: a burst from 16 concurrent writers.
  const before = received;
  const burstStart = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < burst) {
        next += 1;
        await dataSource.transaction((tx) => append(tx, randomUUID()));
      }
    }),
  );
  const committedSeconds = Number(process.hrtime.bigint() - burstStart) / 1e9;
  while (received - before < burst && Date.now() < deadline + 60_000)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const deliveredSeconds = Number(process.hrtime.bigint() - burstStart) / 1e9;

  console.log(`outbox commit -> Kafka -> consumer latency, ${sorted.length}/${events} events, one at a time:`);
  console.log(
    `  p50 ${percentile(sorted, 50).toFixed(2)} ms   p95 ${percentile(sorted, 95).toFixed(2)} ms   p99 ${percentile(sorted, 99).toFixed(2)} ms   max ${(sorted.at(-1) ?? NaN).toFixed(2)} ms`,
  );
  console.log(`burst of ${burst} events from 16 concurrent writers:`);
  console.log(`  committed in ${committedSeconds.toFixed(2)} s (${Math.round(burst / committedSeconds)} commits/s)`);
  console.log(
    `  all consumed after ${deliveredSeconds.toFixed(2)} s (${Math.round((received - before) / deliveredSeconds)} events/s end to end)`,
  );

  await consumer.disconnect();
  await relay.stop();
  await producer.disconnect();
  await pool.end();
  await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
  await dataSource.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
