/**
 * How soon a pin rotation reaches every pins node, and how many configs a second one node serves: the built
 * registration and token services and three built pins nodes (one schema, one KEK: nodes of one service), each its
 * own process on the real broker and database. A protected domain holds a pin and a backup; for each rotation:
 * POST /v1/domains/:id/rotations with a new pin, published at once, through the admin API; then each node is polled
 * (GET /v1/config with a genuine Tessera token, a few ms apart, all three at once) until it serves the next pin config
 * version with the new pin in it. The figure is from the admin API's answer to the last node serving it. Between
 * rotations (not counted in the figure) the rotation is cancelled and an emergency replace takes the set back to two
 * pins (the new one and a new backup), so every rotation publishes the same three-pin set, within the 20-pin limit.
 * Then autocannon loads one node's GET /v1/config for a fixed time at a few connection counts, with the node's CPU
 * time per answer. Prints figures; results live in docs/benchmarks.md.
 *
 *   npm run bench:pins-broadcast [-- --rotations 200 --poll-ms 2 --connections 1,8,32 --seconds 10 --warm-up 3]
 *   (builds first; scripts/bench.mjs passes the infra:up settings)
 */
import { createHash } from 'node:crypto';
import Table from 'cli-table3';
import { type LoadResult, runLoad } from './support/http-load';
import { machineLoad } from './support/machine-load';
import {
  fetchPinConfig,
  type PinConfigAnswer,
  pinsOf,
  pollUntilVersion,
  type VersionWindow,
} from './support/pin-config-client';
import { ServicePlatform } from './support/service-platform';
import type { ServiceChild } from './support/service-child';
import { elapsedMs, LATENCY_HEAD, latencyRow, mib, ms, summarise } from './support/stats';

/** No colours: the tables are pasted into docs/benchmarks.md. */
const PLAIN = { head: [], border: [] };
const NODES = 3;
/** Rotations before the measured ones (connections, JIT, the first signatures), not counted. */
const WARM_UP = 10;
const TARGET_P99_MS = 250;
const PATTERN = 'api.bench.example.com';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** A pin (SHA-256, base64) of a key that does not exist: the benchmark never connects to the host. */
const pin = (seed: string) => createHash('sha256').update(seed).digest('base64');
const leaf = (i: number) => pin(`bench leaf ${i}`);
const backup = (i: number) => pin(`bench backup ${i}`);

interface Broadcast {
  /** Every node served the new version with the new pins by then (ms after the admin API's answer): the figure. */
  by: number;
  /** Some node still served the old config until then: the other end of what the polls can tell. */
  after: number;
  /** The admin API's own time, sent to answered. */
  answerMs: number;
  perNode: VersionWindow[];
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value) => b.includes(value));

async function main(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!brokers || !databaseUrl) throw new Error('run it through `npm run bench:pins-broadcast`');
  const rotations = Number(arg('rotations', '200'));
  const pollMs = Number(arg('poll-ms', '2'));
  const levels = arg('connections', '1,8,32').split(',').map(Number);
  const seconds = Number(arg('seconds', '10'));
  const warmUpSeconds = Number(arg('warm-up', '3'));
  const logLevel = arg('log-level', 'warn');

  const platform = await ServicePlatform.start({
    brokers,
    databaseUrl,
    label: 'pb',
    verifierNodes: 0,
    pinsNodes: NODES,
    logLevel,
  });
  try {
    const [first] = platform.pinsNodes;
    if (!first) throw new Error('no pins node');
    const nodes = platform.pinsNodes.map((node) => node.url);
    const admin = async (method: 'POST' | 'GET', path: string, body?: unknown) => {
      const response = await fetch(`${first.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const expect = (answer: { status: number; body: unknown }, status: number, what: string) => {
      if (answer.status !== status)
        throw new Error(`${what} answered ${answer.status}, not ${status}: ${JSON.stringify(answer.body)}`);
      return answer.body as Record<string, unknown>;
    };

    // A genuine token of one of the tenant's apps; every node must know the tenant's keys before it serves a config.
    const token = await platform.tokens.issue();
    await Promise.all(nodes.map((node) => waitUntilServed(node, token, 30_000)));
    // The admin key reaches the pins nodes as an event of the registry topic: 401 until then.
    const created = await untilCreated(() =>
      admin('POST', '/v1/domains', {
        pattern: PATTERN,
        pins: [{ pin: leaf(0) }, { pin: backup(0), source: 'backup' }],
      }),
    );
    const domainId = String(created.id);
    const settle = async (minVersion: number, pins: string[], since: bigint) => {
      const perNode = await Promise.all(
        nodes.map((node) =>
          pollUntilVersion(node, token, minVersion, (answer) => sameSet(pinsOf(answer, PATTERN), pins), {
            since,
            intervalMs: pollMs,
            timeoutMs: 10_000,
          }),
        ),
      );
      const versions = new Set(perNode.map((window) => window.version));
      if (versions.size !== 1) throw new Error(`the nodes serve different versions: ${[...versions].join(', ')}`);
      return { perNode, version: perNode[0]?.version ?? NaN };
    };
    let version = (await settle(1, [leaf(0), backup(0)], process.hrtime.bigint())).version;

    const measured: Broadcast[] = [];
    const replaced: Broadcast[] = [];
    const toBroadcast = (sent: bigint, answered: bigint, perNode: VersionWindow[]): Broadcast => ({
      by: Math.max(...perNode.map((window) => window.by)),
      after: Math.max(...perNode.map((window) => window.after)),
      answerMs: elapsedMs(sent, answered),
      perNode,
    });
    for (let i = 0; i < WARM_UP + rotations; i++) {
      // The set is { leaf(i), backup(i) } at `version` on every node.
      const sent = process.hrtime.bigint();
      const rotation = expect(
        await admin('POST', `/v1/domains/${domainId}/rotations`, {
          newPins: [{ pin: leaf(i + 1) }],
          retirePins: [leaf(i)],
        }),
        201,
        'POST /v1/domains/:id/rotations',
      );
      const answered = process.hrtime.bigint();
      if (rotation.publishedAt === null) throw new Error(`the rotation was not published: ${JSON.stringify(rotation)}`);
      const rotated = await settle(version + 1, [leaf(i), backup(i), leaf(i + 1)], answered);
      version = rotated.version;

      // Back to two pins, not counted in the figure: the rotation cancelled (its new pin stays), then an emergency
      // replace by the new pin and a new backup (a replace must add a pin), itself a broadcast of the next version.
      expect(await admin('POST', `/v1/rotations/${String(rotation.id)}/cancel`), 200, 'POST /v1/rotations/:id/cancel');
      const replaceSent = process.hrtime.bigint();
      expect(
        await admin('POST', `/v1/domains/${domainId}/emergency-replace`, {
          pins: [{ pin: leaf(i + 1) }, { pin: backup(i + 1), source: 'backup' }],
          compromised: true,
          reason: 'benchmark: back to two pins',
        }),
        200,
        'POST /v1/domains/:id/emergency-replace',
      );
      const replaceAnswered = process.hrtime.bigint();
      const back = await settle(version + 1, [leaf(i + 1), backup(i + 1)], replaceAnswered);
      version = back.version;
      if (i < WARM_UP) continue;
      measured.push(toBroadcast(sent, answered, rotated.perNode));
      replaced.push(toBroadcast(replaceSent, replaceAnswered, back.perNode));
    }

    const byAll = summarise(measured.map((b) => b.by));
    console.log(
      `pin rotation broadcast to ${NODES} pins nodes (built, own processes, one schema, LOG_LEVEL=${logLevel}), ` +
        `Node.js ${process.version}, ${machineLoad()}`,
    );
    console.log(
      `${rotations} rotations published at once (after ${WARM_UP} not counted), each node polled ${pollMs} ms after ` +
        `each answer; config version ${version} at the end`,
    );
    const table = new Table({ style: PLAIN, head: LATENCY_HEAD });
    const row = latencyRow;
    table.push(
      row('answered → new version on all nodes', byAll),
      row('answered → some node still served the old', summarise(measured.map((b) => b.after))),
      row('sent → new version on all nodes', summarise(measured.map((b) => b.answerMs + b.by))),
      row('POST rotations, sent → answered', summarise(measured.map((b) => b.answerMs))),
      row('polling window (new - old)', summarise(measured.map((b) => b.by - b.after))),
      row('one poll, sent → answered', summarise(measured.flatMap((b) => b.perNode.flatMap((w) => w.roundTrips)))),
      ...nodes.map((_, n) =>
        row(`node ${n}: answered → new version`, summarise(measured.map((b) => b.perNode[n]?.by ?? NaN))),
      ),
      row('emergency replace: answered → all nodes', summarise(replaced.map((b) => b.by))),
      row('POST emergency-replace, sent → answered', summarise(replaced.map((b) => b.answerMs))),
    );
    console.log(table.toString());
    const atFirstPoll = measured.filter((b) => b.perNode.every((window) => window.roundTrips.length === 1)).length;
    const polls = measured.reduce(
      (sum, b) => sum + b.perNode.reduce((n, window) => n + window.roundTrips.length, 0),
      0,
    );
    const stale = [...measured, ...replaced].reduce(
      (sum, b) => sum + b.perNode.reduce((n, window) => n + window.staleContent, 0),
      0,
    );
    console.log(
      `new version on every node at its first poll: ${atFirstPoll} of ${rotations}; ` +
        `${(polls / measured.length / NODES).toFixed(1)} polls per node per rotation; ` +
        `answers at a new version without its pins (rotations and replaces): ${stale}`,
    );
    console.log(
      `target: p99 under ${TARGET_P99_MS} ms from the answer: ${byAll.p99 < TARGET_P99_MS ? 'met' : 'MISSED'} (p99 ${ms(byAll.p99)})`,
    );

    await configLoad(first, token, version, { levels, seconds, warmUpSeconds });
  } finally {
    await platform.stop();
  }
}

/** GET /v1/config of one node under autocannon at each connection count, with the node's CPU time per answer. */
async function configLoad(
  node: ServiceChild,
  token: string,
  version: number,
  options: { levels: number[]; seconds: number; warmUpSeconds: number },
): Promise<void> {
  const outcomes: { connections: number; result: LoadResult; cpuSeconds: number | null }[] = [];
  for (const connections of options.levels) {
    let before: { cpu: number | null } | undefined;
    const result = await runLoad(
      {
        origin: node.url,
        method: 'GET',
        path: '/v1/config',
        tokenIn: { header: 'Tessera-Token' },
        connections,
        warmUpSeconds: options.warmUpSeconds,
        seconds: options.seconds,
        tokens: [token],
        expectedStatus: 200,
        expectedInBody: `"version":${version}`,
      },
      async () => {
        before = { cpu: await node.cpuSeconds() };
      },
    );
    const cpuAfter = await node.cpuSeconds();
    if (!before) throw new Error('the load ran without its warm-up');
    outcomes.push({
      connections,
      result,
      cpuSeconds: cpuAfter === null || before.cpu === null ? null : cpuAfter - before.cpu,
    });
  }
  console.log(
    `GET /v1/config on one pins node (one app, one repeated token: the config signed once for the version), ` +
      `autocannon from its own process, ${options.warmUpSeconds} s warm-up then ${options.seconds} s per level; ` +
      `${machineLoad()}; node RSS after ${mib(await node.residentBytes())}`,
  );
  const table = new Table({
    style: PLAIN,
    head: ['conn.', 'req/s', 'p50', 'p90', 'p99', 'p99.9', 'max', 'answers', 'node CPU per answer', 'node CPU'],
  });
  const problems: string[] = [];
  for (const { connections, result, cpuSeconds } of outcomes) {
    const statuses = Object.entries(result.statuses)
      .map(([status, count]) => `${count} × ${status}`)
      .join(', ');
    table.push([
      String(connections),
      String(Math.round(result.perSecond)),
      ms(result.latencyMs.p50),
      ms(result.latencyMs.p90),
      ms(result.latencyMs.p99),
      ms(result.latencyMs.p999),
      ms(result.latencyMs.max),
      `${statuses}, ${result.errors} errors`,
      cpuSeconds === null ? 'n/a' : `${((cpuSeconds / result.requests) * 1e6).toFixed(0)} µs`,
      cpuSeconds === null ? 'n/a' : `${((cpuSeconds / result.seconds) * 100).toFixed(0)} % of a core`,
    ]);
    const other = Object.entries(result.statuses).filter(([status]) => status !== '200');
    if (other.length > 0) problems.push(`${connections} connections: answers other than 200: ${JSON.stringify(other)}`);
    if (result.unexpectedBodies > 0)
      problems.push(`${connections} connections: ${result.unexpectedBodies} answers not at version ${version}`);
    if (result.errors > 0) problems.push(`${connections} connections: ${result.errors} connection errors`);
    if (result.requests === 0) problems.push(`${connections} connections: no answer at all`);
  }
  console.log(table.toString());
  if (problems.length > 0) {
    console.error(`FAILED, these figures do not measure what they name:\n- ${problems.join('\n- ')}`);
    process.exitCode = 1;
  }
}

/** Until the node serves the token a config (it knows the tenant's keys). */
async function waitUntilServed(nodeUrl: string, token: string, timeoutMs: number): Promise<PinConfigAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetchPinConfig(nodeUrl, token);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Retries the domain's creation while the node does not know the admin key yet (401). */
async function untilCreated(
  create: () => Promise<{ status: number; body: Record<string, unknown> }>,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await create();
    if (answer.status === 201) return answer.body;
    if (answer.status !== 401 || Date.now() > deadline)
      throw new Error(`POST /v1/domains answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
