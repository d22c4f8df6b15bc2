/**
 * How soon a revocation reaches every verifier node: the built registration and token services and three built
 * verifier nodes, each its own process on the real broker and database. For each revocation: a genuine token of a
 * new device, accepted by all three nodes; then POST /v1/revocations for the device through the admin API; then
 * each node is polled (POST /v1/verify, a few ms apart, all three at once) until it refuses the token as
 * revoked-device. The figure is from the admin API's answer to the last node's first refusal. Prints figures;
 * results live in docs/benchmarks.md.
 *
 *   npm run bench:revocation-propagation [-- --revocations 200 --poll-ms 2]
 *   (builds first; scripts/bench.mjs passes the infra:up settings)
 */
import Table from 'cli-table3';
import { machineLoad } from './support/machine-load';
import { pollUntilRefused, type RefusalWindow } from './support/refusal-poller';
import { elapsedMs, LATENCY_HEAD, latencyRow, ms, summarise } from './support/stats';
import { verifyToken } from './support/verifier-client';
import { ServicePlatform } from './support/service-platform';

/** No colours: the tables are pasted into docs/benchmarks.md. */
const PLAIN = { head: [], border: [] };
const NODES = 3;
/** Revocations before the measured ones (connections, JIT), not counted. */
const WARM_UP = 10;
const TARGET_P99_MS = 100;

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

interface Propagation {
  /** Every node refused by then (ms after the admin API's answer): the figure. */
  by: number;
  /** Some node still accepted until then: the other end of what the polls can tell. */
  after: number;
  /** The admin API's own time, sent to answered. */
  answerMs: number;
  perNode: RefusalWindow[];
}

async function main(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!brokers || !databaseUrl) throw new Error('run it through `npm run bench:revocation-propagation`');
  const revocations = Number(arg('revocations', '200'));
  const pollMs = Number(arg('poll-ms', '2'));
  const logLevel = arg('log-level', 'warn');

  const platform = await ServicePlatform.start({ brokers, databaseUrl, label: 'rp', verifierNodes: NODES, logLevel });
  try {
    const nodes = platform.verifiers.map((node) => node.url);
    const revoke = async (deviceId: string) => {
      const response = await fetch(`${platform.registrationUrl}/v1/revocations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: { kind: 'device', value: deviceId }, reason: 'benchmark' }),
      });
      const body = await response.text();
      if (response.status !== 201) throw new Error(`POST /v1/revocations answered ${response.status}: ${body}`);
    };

    const measured: Propagation[] = [];
    for (let i = 0; i < WARM_UP + revocations; i++) {
      const deviceId = `bench-device-${platform.suffix}-${i}`;
      const token = await platform.tokens.issue(deviceId);
      const before = await Promise.all(nodes.map((node) => verifyToken(node, token)));
      const refusing = before.findIndex((decision) => decision.decision !== 'accept');
      if (refusing >= 0) throw new Error(`node ${refusing} refused a genuine token: ${JSON.stringify(before)}`);
      const sent = process.hrtime.bigint();
      await revoke(deviceId);
      const answered = process.hrtime.bigint();
      const perNode = await Promise.all(
        nodes.map((node) =>
          pollUntilRefused(node, token, 'revoked-device', { since: answered, intervalMs: pollMs, timeoutMs: 10_000 }),
        ),
      );
      if (i < WARM_UP) continue;
      measured.push({
        by: Math.max(...perNode.map((window) => window.by)),
        after: Math.max(...perNode.map((window) => window.after)),
        answerMs: elapsedMs(sent, answered),
        perNode,
      });
    }

    const byAll = summarise(measured.map((p) => p.by));
    console.log(
      `revocation propagation to ${NODES} verifier nodes (built, own processes, LOG_LEVEL=${logLevel}), ` +
        `Node.js ${process.version}, ${machineLoad()}`,
    );
    console.log(
      `${revocations} device revocations (after ${WARM_UP} not counted), each node polled ${pollMs} ms after each answer`,
    );
    const table = new Table({ style: PLAIN, head: LATENCY_HEAD });
    const row = latencyRow;
    table.push(
      row('answered → refused by all nodes', byAll),
      row('answered → some node still accepted', summarise(measured.map((p) => p.after))),
      row('sent → refused by all nodes', summarise(measured.map((p) => p.answerMs + p.by))),
      row('POST /v1/revocations, sent → answered', summarise(measured.map((p) => p.answerMs))),
      row('polling window (refused - accepted)', summarise(measured.map((p) => p.by - p.after))),
      row('one poll, sent → answered', summarise(measured.flatMap((p) => p.perNode.flatMap((w) => w.roundTrips)))),
      ...nodes.map((_, n) =>
        row(`node ${n}: answered → refused`, summarise(measured.map((p) => p.perNode[n]?.by ?? NaN))),
      ),
    );
    console.log(table.toString());
    const atFirstPoll = measured.filter((p) => p.perNode.every((window) => window.roundTrips.length === 1)).length;
    const polls = measured.reduce(
      (sum, p) => sum + p.perNode.reduce((n, window) => n + window.roundTrips.length, 0),
      0,
    );
    console.log(
      `refused by every node at its first poll: ${atFirstPoll} of ${revocations}; ` +
        `${(polls / measured.length / NODES).toFixed(1)} polls per node per revocation`,
    );
    console.log(
      `target: p99 under ${TARGET_P99_MS} ms from the answer: ${byAll.p99 < TARGET_P99_MS ? 'met' : 'MISSED'} (p99 ${ms(byAll.p99)})`,
    );
  } finally {
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
