/**
 * Request/reply round trips over the real broker: an echo responder and a requester in one process (KafkaResponder,
 * KafkaRequester), on a topic prefix of their own. Latency one request at a time, then with many in flight for
 * throughput, then at a steady rate (the integrity service's expected load: requests arrive whether or not the
 * previous ones were answered). Prints figures; targets live in docs/benchmarks.md, not in assertions.
 *
 * Last, a backlog of requests whose deadline passed (what an outage leaves behind), and how fast a responder
 * that comes back drops it.
 *
 *   npm run bench:request-reply [-- --sequential 2000 --concurrent 20000 --in-flight 50 --rate 1000 --seconds 10
 *                               --backlog 100000]
 *   (builds first; scripts/bench.mjs passes the infra:up settings)
 */
import { defineRequest, RequestHeaders, Topics, topicName } from '@tessera/contracts';
import {
  createKafka,
  KafkaRequester,
  KafkaResponder,
  MessagingMetrics,
  silentLogger,
  TopicProvisioner,
} from '@tessera/messaging';
import Table from 'cli-table3';
import type { Kafka } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { elapsedMs, type LatencySummary, ms, summarise } from './support/stats';

/** No colours: the tables are pasted into docs/benchmarks.md. */
const PLAIN = { head: [], border: [] };
const WARM_UP = 200;
const TIMEOUT_MS = 5000;

/** The shape of a token request and its reply, roughly: a few short fields each way. */
const Echo = defineRequest({
  type: 'bench.echo',
  version: 1,
  requestTopic: Topics.tokenRequests,
  replyTopic: Topics.tokenReplies,
  description: 'answers what it was sent',
  request: z.object({ n: z.number().int(), tenant: z.string(), appId: z.uuid(), text: z.string() }),
  result: z.object({ n: z.number().int(), text: z.string(), answeredBy: z.string() }),
  key: (request) => `${request.tenant}/${request.appId}`,
});

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

function brokers(): string[] {
  const value = process.env.KAFKA_BROKERS;
  if (!value) throw new Error('set KAFKA_BROKERS, or run it through `npm run bench:request-reply`');
  return value.split(',');
}

/** Apps to key requests by: spread over the request partitions as real tenants' apps would be. */
const apps = Array.from({ length: 64 }, () => randomUUID());
const data = (n: number) => ({ n, tenant: 'bench', appId: apps[n % apps.length] ?? '', text: `request ${n}` });

async function main(): Promise<void> {
  const sequential = arg('sequential', 2000);
  const concurrent = arg('concurrent', 20_000);
  const inFlight = arg('in-flight', 50);
  const rate = arg('rate', 1000);
  const seconds = arg('seconds', 10);
  const backlog = arg('backlog', 100_000);
  const suffix = randomBytes(4).toString('hex');
  const prefix = `bench-${suffix}.`;
  const backlogPrefix = `bench-${suffix}-backlog.`;
  const groupId = `bench-rr-${suffix}`;
  const kafka = createKafka(
    { brokers: brokers(), clientId: 'tessera-bench', topicPrefix: prefix, replicationFactor: -1, ssl: false },
    silentLogger,
  );
  await provision(kafka, prefix);

  const metrics = new MessagingMetrics(new Registry());
  const responder = new KafkaResponder({ kafka, groupId, topicPrefix: prefix, logger: silentLogger, concurrency: 64 });
  responder.handle(Echo, (request) => Promise.resolve({ n: request.n, text: request.text, answeredBy: 'bench' }));
  const requester = new KafkaRequester({ kafka, topicPrefix: prefix, requests: [Echo], logger: silentLogger, metrics });
  const runStart = process.hrtime.bigint();
  try {
    await responder.start();
    await requester.start();
    const ask = async (n: number): Promise<number> => {
      const start = process.hrtime.bigint();
      const result = await requester.request(Echo, data(n), { timeoutMs: TIMEOUT_MS });
      if (result.n !== n) throw new Error(`request ${n} got the reply of ${result.n}`);
      return elapsedMs(start);
    };

    for (let n = 0; n < WARM_UP; n++) await ask(n);

    // 1. One at a time: each round trip alone.
    const alone: number[] = [];
    for (let n = 0; n < sequential; n++) alone.push(await ask(WARM_UP + n));

    // 2. Many in flight: throughput, and what queueing does to the latency.
    const together: number[] = [];
    let next = 0;
    const burstStart = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < concurrent) {
          const n = WARM_UP + sequential + next++;
          together.push(await ask(n));
        }
      }),
    );
    const burstSeconds = elapsedMs(burstStart) / 1000;

    // 3. A steady rate, open loop: every 10 ms, the requests due by then.
    const paced: Promise<number>[] = [];
    const total = rate * seconds;
    const pacedStart = performance.now();
    const first = WARM_UP + sequential + concurrent;
    while (paced.length < total) {
      const due = Math.min(total, Math.floor(((performance.now() - pacedStart) / 1000) * rate));
      while (paced.length < due) paced.push(ask(first + paced.length));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const steady = await Promise.all(paced);
    const pacedSeconds = (performance.now() - pacedStart) / 1000;

    // 4. A backlog nobody waits for: a responder group of its own reads it all and drops it by deadline.
    await requester.stop();
    await responder.stop();
    // On topics of its own, so that it holds the backlog only.
    await provision(kafka, backlogPrefix);
    await writeExpiredBacklog(kafka, topicName(Topics.tokenRequests, backlogPrefix), backlog);
    const drainMetrics = new MessagingMetrics(new Registry());
    const drainer = new KafkaResponder({
      kafka,
      groupId: `${groupId}-backlog`,
      topicPrefix: backlogPrefix,
      logger: silentLogger,
      metrics: drainMetrics,
    });
    drainer.handle(Echo, () => Promise.reject(new Error('an expired request must not reach the handler')));
    const drainStart = process.hrtime.bigint();
    await drainer.start();
    const expired = async () =>
      (await drainMetrics.requestsAnswered.get()).values.find((v) => v.labels.outcome === 'expired')?.value ?? 0;
    while ((await expired()) < backlog) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const drainSeconds = elapsedMs(drainStart) / 1000;
    await drainer.stop();

    const outcomes = (await metrics.requestsSent.get()).values.map((v) => `${String(v.labels.outcome)} ${v.value}`);
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    console.log(
      `request/reply (echo responder and requester in one process), Node.js ${process.version}, ${availableParallelism()} cores, load average ${load}`,
    );
    console.log(
      `whole run ${(elapsedMs(runStart) / 1000).toFixed(1)} s; requests by outcome: ${outcomes.join(', ')}; ${WARM_UP} warm-up requests not counted`,
    );
    const table = new Table({ style: PLAIN, head: ['round trip', 'n', 'p50', 'p90', 'p99', 'max', 'req/s'] });
    table.push(
      row(
        '1 in flight',
        summarise(alone),
        String(Math.round(alone.length / (alone.reduce((a, b) => a + b, 0) / 1000))),
      ),
      row(`${inFlight} in flight`, summarise(together), String(Math.round(together.length / burstSeconds))),
      row(`${rate}/s for ${seconds} s`, summarise(steady), String(Math.round(steady.length / pacedSeconds))),
    );
    console.log(table.toString());
    console.log(
      `expired backlog: ${backlog} requests dropped by a new responder group in ${drainSeconds.toFixed(2)} s (${Math.round(backlog / drainSeconds)}/s, joining included)`,
    );
  } finally {
    await requester.stop();
    await responder.stop();
    await cleanUp(kafka, [prefix, backlogPrefix], [groupId, `${groupId}-backlog`]);
  }
}

/** Requests as a requester writes them, but with a deadline already passed: what is left after an outage. */
async function writeExpiredBacklog(kafka: Kafka, topic: string, count: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const deadline = String(Date.now() - 1000);
    for (let sent = 0; sent < count; sent += 1000) {
      const messages = Array.from({ length: Math.min(1000, count - sent) }, (_, i) => ({
        key: `bench/${apps[i % apps.length] ?? ''}`,
        value: JSON.stringify(data(sent + i)),
        headers: {
          [RequestHeaders.correlationId]: randomUUID(),
          [RequestHeaders.replyTo]: 'gone',
          [RequestHeaders.deadline]: deadline,
          [RequestHeaders.type]: Echo.type,
          [RequestHeaders.version]: String(Echo.version),
          [RequestHeaders.contentType]: 'application/json',
        },
      }));
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

function row(name: string, s: LatencySummary, rate: string): string[] {
  return [name, String(s.count), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max), rate];
}

async function provision(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await new TopicProvisioner(admin, prefix, -1, silentLogger).provision([Topics.tokenRequests, Topics.tokenReplies]);
  } finally {
    await admin.disconnect();
  }
}

/** Drops the topics of the prefixes and the responder groups: a benchmark leaves nothing behind. */
async function cleanUp(kafka: Kafka, prefixes: string[], groupIds: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => prefixes.some((prefix) => topic.startsWith(prefix)));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.deleteGroups(groupIds).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
