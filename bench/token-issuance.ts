/**
 * Token issuance through the built token service, run as its own process: the round trip of a token.issue request
 * over Kafka (KafkaRequester → token service → reply), one at a time and with many in flight, next to the time the
 * service itself spent signing (its tessera_token_signing_seconds). The difference is what request/reply through
 * Kafka adds. Prints figures; results live in docs/benchmarks.md.
 *
 *   npm run bench:token-issuance [-- --sequential 2000 --concurrent 10000 --in-flight 50]
 *   (builds first; scripts/bench.mjs passes the infra:up settings)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { loadavg } from 'node:os';
import { type RequestData, TokenIssuanceV1 } from '@tessera/contracts';
import { createKafka, KafkaRequester, silentLogger } from '@tessera/messaging';
import { DataSource } from 'typeorm';
import { freePort, ServiceChild } from './support/service-child';
import { elapsedMs, ms, summarise } from './support/stats';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const BENCH_KEK = `bench-kek:${randomBytes(32).toString('base64')}`;
const apps = Array.from({ length: 64 }, () => randomUUID());
const request = (i: number): RequestData<typeof TokenIssuanceV1> => ({
  tenant: 'bench',
  appId: apps[i % apps.length] ?? randomUUID(),
  verdict: i % 10 === 0 ? 'fail' : 'pass',
  registrationId: randomUUID(),
  installationKeyThumbprint: randomBytes(32).toString('base64url'),
  lifetimeSeconds: 300,
});

async function main() {
  const brokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!brokers || !databaseUrl) throw new Error('run it through `npm run bench:token-issuance`');
  const suffix = randomBytes(4).toString('hex');
  const schema = `bench_token_${suffix}`;
  const prefix = `bench${suffix}.`;
  const service = ServiceChild.start(
    path.join(process.cwd(), 'dist', 'apps', 'token', 'src', 'main.js'),
    await freePort(),
    {
      PATH: process.env.PATH ?? '',
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      LOG_LEVEL: 'warn',
      TESSERA_KEK: BENCH_KEK,
    },
  );
  await service.waitUntilReady(60_000);
  const requester = new KafkaRequester({
    kafka: createKafka(
      { brokers: brokers.split(','), clientId: 'bench', topicPrefix: prefix, replicationFactor: -1, ssl: false },
      silentLogger,
    ),
    topicPrefix: prefix,
    requests: [TokenIssuanceV1],
    logger: silentLogger,
  });
  await requester.start();
  const sequential = arg('sequential', 2000);
  const concurrent = arg('concurrent', 10_000);
  const inFlight = arg('in-flight', 50);
  try {
    for (let i = 0; i < 200; i++) await requester.request(TokenIssuanceV1, request(i), { timeoutMs: 10_000 });

    const signingBefore = await signingSeconds(service.url);
    const roundTrips: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const start = process.hrtime.bigint();
      await requester.request(TokenIssuanceV1, request(i), { timeoutMs: 10_000 });
      roundTrips.push(elapsedMs(start));
    }
    const signingAfter = await signingSeconds(service.url);
    const signingMs = ((signingAfter.sum - signingBefore.sum) / (signingAfter.count - signingBefore.count)) * 1000;
    const loaded: number[] = [];
    const started = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < concurrent) {
          const i = next++;
          const start = process.hrtime.bigint();
          await requester.request(TokenIssuanceV1, request(i), { timeoutMs: 10_000 });
          loaded.push(elapsedMs(start));
        }
      }),
    );
    const seconds = elapsedMs(started) / 1000;
    const show = (what: string, samples: number[]) => {
      const s = summarise(samples);
      console.log(
        `${what.padEnd(44)} p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  max ${ms(s.max)}  (${s.count})`,
      );
      return s;
    };
    console.log(
      `token issuance, load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}; 1 in 10 requests fails`,
    );
    console.log(`signing in the token service (mean of its histogram):  ${ms(signingMs)}`);
    const r = show('over Kafka, 1 in flight', roundTrips);
    show(`over Kafka, ${inFlight} in flight`, loaded);
    console.log(`throughput with ${inFlight} in flight: ${Math.round(concurrent / seconds)} tokens/s`);
    console.log(
      `added by request/reply through Kafka, 1 in flight: p50 ${ms(r.p50 - signingMs)}, p99 ${ms(r.p99 - signingMs)}`,
    );
  } finally {
    await requester.stop();
    await service.stop();
    const admin = new DataSource({ type: 'postgres', url: databaseUrl });
    await admin.initialize();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.destroy();
  }
}

/** Sum and count of the token service's signing histogram, from its /metrics. */
async function signingSeconds(url: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const total = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`tessera_token_signing_seconds_${name}{`))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  return { sum: total('sum'), count: total('count') };
}

void main();
