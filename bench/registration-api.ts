/**
 * The registration service's admin API over HTTP, with the built service as its own process on the real broker and
 * database: admin write latency and throughput, how soon a revocation is on Kafka after its answer, APK
 * registrations from a real APK, and large uploads (streamed to disk, never held in memory). Prints figures;
 * targets live in docs/benchmarks.md, not in assertions.
 *
 *   npm run bench:registration [-- --writes 500 --concurrency 8 --apk 200 --large 50,200]
 *   (builds first; scripts/bench.mjs passes the infra:up settings)
 */
import { Topics, topicName } from '@tessera/contracts';
import Table from 'cli-table3';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { postFile, writeLargeApk } from './support/large-upload';
import { sampleResidentMemory } from './support/rss-sampler';
import { freePort, runToEnd, ServiceChild } from './support/service-child';
import { elapsedMs, type LatencySummary, mib, ms, summarise } from './support/stats';

const root = path.resolve(__dirname, '..', '..');
const entry = path.join(root, 'dist', 'apps', 'registration', 'src', 'main.js');
const fixture = path.join(root, 'libs', 'apk', 'test-fixtures', 'v3-ec-p256-targetSdk-30.apk');
const FIXTURE_PACKAGE = 'android.appsecurity.cts.tinyapp';
const APK_TYPE = 'application/vnd.android.package-archive';
const WARM_UP = 20;
/** No colours: the tables are pasted into docs/benchmarks.md. */
const PLAIN = { head: [], border: [] };

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

function settings(): { brokers: string; databaseUrl: string } {
  const brokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!brokers || !databaseUrl)
    throw new Error('set KAFKA_BROKERS and TEST_DATABASE_URL, or run it through `npm run bench:registration`');
  return { brokers, databaseUrl };
}

type Answer = { status: number; body: Record<string, unknown> };

/** The admin API as one client with one key (fetch keeps its connections alive). */
class AdminClient {
  constructor(
    private readonly url: string,
    private readonly key: string,
  ) {}

  async send(method: string, route: string, body: unknown, contentType = 'application/json'): Promise<Answer> {
    const response = await fetch(`${this.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.key}`, 'content-type': contentType },
      body: contentType === 'application/json' ? JSON.stringify(body) : (body as Uint8Array),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** A request that must answer `status`; its answer. */
  async expect(status: number, method: string, route: string, body: unknown, contentType?: string): Promise<Answer> {
    const answer = await this.send(method, route, body, contentType);
    if (answer.status !== status)
      throw new Error(`${method} ${route}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  }
}

/** One request at a time; each one's latency, from just before it is sent to its whole answer. */
async function sequential(count: number, request: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await request(i);
    latencies.push(elapsedMs(start));
  }
  return latencies;
}

/** `count` requests from `inFlight` concurrent clients; the wall time and each request's latency. */
async function concurrent(
  count: number,
  inFlight: number,
  request: (i: number) => Promise<unknown>,
): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const i = next++;
        const sent = process.hrtime.bigint();
        await request(i);
        latencies.push(elapsedMs(sent));
      }
    }),
  );
  return { seconds: elapsedMs(start) / 1000, latencies };
}

/** When each revocation event reached a consumer of the (prefixed) revocations topic, by message key. */
class RevocationsOnKafka {
  readonly arrivedAt = new Map<string, bigint>();
  private readonly consumer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    groupId: string,
  ) {
    this.consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    const joined = new Promise<void>((resolve) =>
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        resolve();
      }),
    );
    await this.consumer.run({
      eachMessage: ({ message }) => {
        const key = message.key?.toString();
        if (key !== undefined && !this.arrivedAt.has(key)) this.arrivedAt.set(key, process.hrtime.bigint());
        return Promise.resolve();
      },
    });
    await joined;
  }

  async waitForAll(keys: readonly string[], timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    const missing = () => keys.filter((key) => !this.arrivedAt.has(key)).length;
    while (missing() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return keys.length - missing();
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

interface LargeUpload {
  sizeMiB: number;
  seconds: number;
  status: number;
  reason: string;
  rssBefore: number | null;
  rssPeak: number | null;
  samples: number;
}

function latencyRow(label: string, s: LatencySummary, extra = ''): string[] {
  return [label, String(s.count), ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), extra];
}

async function main(): Promise<void> {
  const writes = Number(arg('writes', '500'));
  const inFlight = Number(arg('concurrency', '8'));
  const apkCount = Number(arg('apk', '200'));
  const largeSizes = arg('large', '50,200').split(',').map(Number);
  const { brokers, databaseUrl } = settings();
  const runStart = process.hrtime.bigint();

  const suffix = randomBytes(4).toString('hex');
  const schema = `bench_reg_${suffix}`;
  const prefix = `bench-reg-${suffix}.`;
  const tenant = `bench-${suffix}`;
  const env = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: schema,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    TESSERA_KEK: `bench-kek:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'warn',
  };
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'tessera-bench', logLevel: logLevel.NOTHING });
  const revocationsTopic = topicName(Topics.revocations, prefix);
  const onKafka = new RevocationsOnKafka(kafka, revocationsTopic, `bench-reg-${suffix}`);
  const tempFiles: string[] = [];
  let service: ServiceChild | undefined;
  let consuming = false;

  try {
    const bootstrapped = await runToEnd(entry, ['bootstrap', '--tenant', tenant], env);
    if (bootstrapped.code !== 0) throw new Error(`bootstrap exited with ${bootstrapped.code}: ${bootstrapped.stderr}`);
    const { key } = JSON.parse(bootstrapped.stdout) as { key: string };
    service = ServiceChild.start(entry, await freePort(), env);
    await service.waitUntilReady(60_000);
    const rssWhenReady = await service.residentBytes();
    const api = new AdminClient(service.url, key);
    await onKafka.start();
    consuming = true;

    const team = await api.expect(201, 'POST', '/v1/teams', { name: 'Bench team' });
    const teamId = team.body.id as string;
    let revocationNumber = 0;
    const revoke = async () => {
      const subject = { kind: 'device', value: `bench-device-${revocationNumber++}` };
      return (await api.expect(201, 'POST', '/v1/revocations', { subject, reason: 'benchmark' })).body.id as string;
    };
    let appNumber = 0;
    const addApp = async () => {
      const n = appNumber++;
      const body = { name: `Bench app ${n}`, teamId, platform: 'android', packageName: `com.bench.app${n}` };
      await api.expect(201, 'POST', '/v1/apps', body);
    };

    // 1. Admin writes: warm up (JIT, pools), then one at a time, then `inFlight` at a time.
    await sequential(WARM_UP, revoke);
    await sequential(WARM_UP, addApp);
    const answeredAt = new Map<string, { sent: bigint; answered: bigint }>();
    const revocations = await sequential(writes, async () => {
      const sent = process.hrtime.bigint();
      const id = await revoke();
      answeredAt.set(`${tenant}/revocation/${id}`, { sent, answered: process.hrtime.bigint() });
    });
    const apps = await sequential(writes, addApp);
    const revocationsBurst = await concurrent(writes, inFlight, revoke);
    const appsBurst = await concurrent(writes, inFlight, addApp);

    const keys = [...answeredAt.keys()];
    const arrived = await onKafka.waitForAll(keys, 30_000);
    const answerToKafka: number[] = [];
    const sentToKafka: number[] = [];
    let beforeAnswer = 0;
    for (const [messageKey, times] of answeredAt) {
      const at = onKafka.arrivedAt.get(messageKey);
      if (at === undefined) continue;
      answerToKafka.push(Number(at - times.answered) / 1e6);
      sentToKafka.push(Number(at - times.sent) / 1e6);
      if (at < times.answered) beforeAnswer += 1;
    }

    // 2. Registrations from the real APK (the app with its package first).
    const apk = new Uint8Array(await readFile(fixture));
    await api.expect(201, 'POST', '/v1/apps', {
      name: 'Tiny app',
      teamId,
      platform: 'android',
      packageName: FIXTURE_PACKAGE,
    });
    const register = () => api.expect(201, 'POST', '/v1/registrations/apk', apk, APK_TYPE);
    await sequential(10, register);
    const registrations = await sequential(apkCount, register);

    // 3. Large uploads, streamed from disk; the service's memory is sampled while it takes them.
    const running = service;
    const large: LargeUpload[] = [];
    for (const sizeMiB of largeSizes) {
      const file = path.join(tmpdir(), `tessera-bench-${suffix}-${sizeMiB}mib.apk`);
      tempFiles.push(file);
      const size = await writeLargeApk(file, apk, sizeMiB);
      await new Promise((resolve) => setTimeout(resolve, 500)); // let the service settle after the last run
      const rssBefore = await running.residentBytes();
      const start = process.hrtime.bigint();
      const sampled = await sampleResidentMemory(
        () => running.residentBytes(),
        20,
        () =>
          postFile(new URL('/v1/registrations/apk', running.url), file, size, {
            authorization: `Bearer ${key}`,
            'content-type': APK_TYPE,
          }),
      );
      const seconds = elapsedMs(start) / 1000;
      const { status, body } = sampled.result;
      const reason = typeof body.reason === 'string' ? body.reason : JSON.stringify(body.message);
      large.push({ sizeMiB, seconds, status, reason, rssBefore, rssPeak: sampled.peakBytes, samples: sampled.samples });
      await rm(file, { force: true });
    }

    // The report.
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    console.log(
      `registration service (built, own process), Node.js ${process.version}, ${availableParallelism()} cores, load average before the report ${load}`,
    );
    console.log(`service RSS when ready: ${mib(rssWhenReady)}; whole run ${(elapsedMs(runStart) / 1000).toFixed(1)} s`);
    const latency = new Table({ style: PLAIN, head: ['HTTP, sequential', 'n', 'p50', 'p95', 'p99', 'max', ''] });
    latency.push(
      latencyRow('POST /v1/revocations (device)', summarise(revocations)),
      latencyRow('POST /v1/apps', summarise(apps)),
      latencyRow('POST /v1/registrations/apk', summarise(registrations), `${(apk.length / 1024).toFixed(1)} KiB APK`),
    );
    console.log(latency.toString());

    const burst = new Table({
      style: PLAIN,
      head: [`${inFlight} in flight`, 'n', 'p50', 'p95', 'p99', 'max', 'req/s'],
    });
    burst.push(
      latencyRow('POST /v1/revocations', summarise(revocationsBurst.latencies), rate(writes, revocationsBurst.seconds)),
      latencyRow('POST /v1/apps', summarise(appsBurst.latencies), rate(writes, appsBurst.seconds)),
    );
    console.log(burst.toString());

    const visible = new Table({ style: PLAIN, head: ['revocation on Kafka', 'n', 'p50', 'p95', 'p99', 'max', ''] });
    visible.push(
      latencyRow('after the POST answer', summarise(answerToKafka), `${beforeAnswer} arrived before the answer`),
      latencyRow('after the POST was sent', summarise(sentToKafka), `${arrived}/${keys.length} consumed`),
    );
    console.log(visible.toString());

    const uploads = new Table({
      style: PLAIN,
      head: ['large upload', 'time', 'MiB/s', 'answer', 'RSS before', 'RSS peak', 'peak - before', 'samples'],
    });
    for (const u of large) {
      const growth = u.rssBefore === null || u.rssPeak === null ? null : u.rssPeak - u.rssBefore;
      uploads.push([
        `${u.sizeMiB} MiB + fixture`,
        `${u.seconds.toFixed(2)} s`,
        (u.sizeMiB / u.seconds).toFixed(0),
        `${u.status} ${u.reason}`,
        mib(u.rssBefore),
        mib(u.rssPeak),
        mib(growth),
        String(u.samples),
      ]);
    }
    console.log(uploads.toString());
  } finally {
    if (consuming) await onKafka.stop();
    await service?.stop();
    await Promise.all(tempFiles.map((file) => rm(file, { force: true })));
    await cleanUp(kafka, prefix, `bench-reg-${suffix}`, databaseUrl, schema);
  }
}

function rate(count: number, seconds: number): string {
  return String(Math.round(count / seconds));
}

/** Drops the schema, the topics of the prefix and the consumer group: a benchmark leaves nothing behind. */
async function cleanUp(kafka: Kafka, prefix: string, groupId: string, databaseUrl: string, schema: string) {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.deleteGroups([groupId]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
