/**
 * The verifier sidecar under HTTP load: one built verifier node as its own process, fed by the built registration
 * and token services over Kafka, loaded by autocannon from a process of its own for a fixed time per scenario:
 * GET /v1/auth with one repeated token (the verified-token cache answers), GET /v1/auth with a token never sent
 * before on every request (the signature is checked every time), POST /v1/verify with one repeated token, and
 * as a floor node:http alone answering the same request; each with one connection (what a request costs when none
 * waits for another) and with `--connections` (throughput), with the answering process's CPU time per answer.
 * Every answer must be 200 with an accepting body, and the node's own counters must show the path the scenario
 * names; otherwise the run says what went wrong and exits 1. Prints figures; results live in docs/benchmarks.md.
 *
 *   npm run bench:verifier-sidecar [-- --seconds 10 --warm-up 3 --connections 20 --fresh-tokens 50000]
 *   (builds first; scripts/bench.mjs passes the infra:up settings)
 */
import Table from 'cli-table3';
import { type LoadResult, type LoadSpec, runLoad } from './support/http-load';
import { machineLoad } from './support/machine-load';
import { RawHttpFloor } from './support/raw-http-floor';
import { mib } from './support/stats';
import { type DecisionTally, decisionTally, tallyDifference } from './support/verifier-metrics';
import { ServicePlatform } from './support/service-platform';

/** No colours: the tables are pasted into docs/benchmarks.md. */
const PLAIN = { head: [], border: [] };
const ACCEPTED = '"decision":"accept"';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

type Request = Pick<LoadSpec, 'method' | 'path' | 'tokenIn'>;

interface Scenario {
  name: string;
  request: Request;
  /**
   * Which path of the verifier every request must take, by the node's own counters; `floor`: node:http alone
   * answers instead of the node, the cost of any HTTP answer here.
   */
  path: 'cached' | 'fresh' | 'floor';
}

interface Outcome {
  scenario: Scenario;
  connections: number;
  result: LoadResult;
  /** The node's decisions during the measured part (none for the floor). */
  tally: DecisionTally | undefined;
  /** CPU time the answering process used during the measured part. */
  cpuSeconds: number | null;
}

/** What answers a run: the verifier node (with its counters) or the floor. */
interface Answerer {
  url: string;
  cpuSeconds(): Promise<number | null>;
  tally?: () => Promise<DecisionTally>;
}

const AUTH: Request = { method: 'GET', path: '/v1/auth', tokenIn: { header: 'Tessera-Token' } };
const VERIFY: Request = { method: 'POST', path: '/v1/verify', tokenIn: 'json-body' };
const SCENARIOS: Scenario[] = [
  { name: 'floor: node:http, fixed answer', request: AUTH, path: 'floor' },
  { name: 'GET /v1/auth, one repeated token', request: AUTH, path: 'cached' },
  { name: 'GET /v1/auth, a fresh token each', request: AUTH, path: 'fresh' },
  { name: 'POST /v1/verify, one repeated token', request: VERIFY, path: 'cached' },
];

/** What makes a run's figures wrong: unexpected answers, or a node that took another path than the one named. */
function problemsOf({ scenario, connections, result, tally }: Outcome): string[] {
  const problems: string[] = [];
  const other = Object.entries(result.statuses).filter(([status]) => status !== '200');
  if (other.length > 0) problems.push(`answers other than 200: ${JSON.stringify(Object.fromEntries(other))}`);
  if (result.unexpectedBodies > 0) problems.push(`${result.unexpectedBodies} answers without ${ACCEPTED}`);
  if (result.errors > 0) problems.push(`${result.errors} connection errors (${result.timeouts} timeouts)`);
  if (result.requests === 0) problems.push('no answer at all');
  if (!tally) return problems.map((problem) => `${scenario.name}, ${connections} connections: ${problem}`);
  const decided = tally.fresh + tally.cached;
  // The node may decide the last requests in flight after autocannon stopped listening: up to one per connection.
  if (Math.abs(decided - result.requests) > connections)
    problems.push(`the node decided ${decided} tokens, autocannon counted ${result.requests} answers`);
  if (tally.refused > 0) problems.push(`the node refused ${tally.refused} tokens`);
  if (scenario.path === 'fresh' && (tally.cached > 0 || result.tokensReused > 0))
    problems.push(
      `${tally.cached} answers came from the cache (${result.tokensReused} tokens sent twice): raise --fresh-tokens`,
    );
  if (scenario.path === 'cached' && tally.fresh > 1) problems.push(`${tally.fresh} tokens were verified afresh`);
  return problems.map((problem) => `${scenario.name}, ${connections} connections: ${problem}`);
}

/** The node's counters for a run: which path its decisions took, and their mean time. */
function decisionColumn(scenario: Scenario, tally: DecisionTally): string {
  const meanSeconds =
    scenario.path === 'cached' ? tally.cachedSeconds / tally.cached : tally.freshSeconds / tally.fresh;
  return `${tally.fresh} fresh, ${tally.cached} cached, ${(meanSeconds * 1e6).toFixed(1)} µs`;
}

/** One run: the warm-up, then the answerer's counters and CPU time around the measured part. */
async function measure(scenario: Scenario, spec: LoadSpec, answerer: Answerer): Promise<Outcome> {
  let before: { tally: DecisionTally | undefined; cpu: number | null } | undefined;
  const result = await runLoad(spec, async () => {
    before = { tally: await answerer.tally?.(), cpu: await answerer.cpuSeconds() };
  });
  const cpuAfter = await answerer.cpuSeconds();
  const tallyAfter = await answerer.tally?.();
  if (!before) throw new Error('the load ran without its warm-up');
  return {
    scenario,
    connections: spec.connections,
    result,
    tally: before.tally && tallyAfter ? tallyDifference(before.tally, tallyAfter) : undefined,
    cpuSeconds: cpuAfter === null || before.cpu === null ? null : cpuAfter - before.cpu,
  };
}

async function main(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!brokers || !databaseUrl) throw new Error('run it through `npm run bench:verifier-sidecar`');
  const seconds = Number(arg('seconds', '10'));
  const warmUpSeconds = Number(arg('warm-up', '3'));
  const connections = Number(arg('connections', '20'));
  const freshTokens = Number(arg('fresh-tokens', '50000'));
  const logLevel = arg('log-level', 'warn');

  const floor = await RawHttpFloor.start();
  let platform: ServicePlatform | undefined;
  try {
    platform = await ServicePlatform.start({ brokers, databaseUrl, label: 'vs', verifierNodes: 1, logLevel });
    const [verifier] = platform.verifiers;
    if (!verifier) throw new Error('no verifier node');
    const issuing = Date.now();
    const repeated = await platform.tokens.issue();
    const fresh = await platform.tokens.issueMany(freshTokens);
    const issuingSeconds = (Date.now() - issuing) / 1000;
    // Each fresh run starts after the tokens the runs before it took, so no token reaches the node twice.
    let freshTaken = 0;

    const node: Answerer = {
      url: verifier.url,
      cpuSeconds: () => verifier.cpuSeconds(),
      tally: () => decisionTally(verifier.url),
    };
    const outcomes: Outcome[] = [];
    for (const level of [1, connections]) {
      for (const scenario of SCENARIOS) {
        const tokens = scenario.path === 'fresh' ? fresh.slice(freshTaken) : [repeated];
        if (tokens.length === 0) throw new Error('the earlier runs took every fresh token: raise --fresh-tokens');
        const answerer = scenario.path === 'floor' ? floor : node;
        const spec: LoadSpec = {
          ...scenario.request,
          origin: answerer.url,
          connections: level,
          warmUpSeconds,
          seconds,
          tokens,
          expectedStatus: 200,
          expectedInBody: ACCEPTED,
        };
        const outcome = await measure(scenario, spec, answerer);
        if (scenario.path === 'fresh') freshTaken += outcome.result.tokensTaken;
        outcomes.push(outcome);
      }
    }

    console.log(
      `verifier sidecar (built, own process, LOG_LEVEL=${logLevel}), Node.js ${process.version}, ${machineLoad()}`,
    );
    console.log(
      `autocannon from its own process, ${warmUpSeconds} s warm-up then ${seconds} s per run; ` +
        `${fresh.length + 1} genuine ES256 tokens issued over Kafka in ${issuingSeconds.toFixed(1)} s ` +
        `(${freshTaken} fresh ones sent); node RSS after the runs ${mib(await verifier.residentBytes())}`,
    );
    const table = new Table({
      style: PLAIN,
      head: [
        'scenario',
        'conn.',
        'req/s',
        'p50',
        'p90',
        'p99',
        'p99.9',
        'max',
        'answers',
        'CPU per answer',
        'node: path, mean decision',
      ],
    });
    const msText = (value: number) => `${value.toFixed(2)} ms`;
    for (const { scenario, connections: level, result, tally, cpuSeconds } of outcomes) {
      const statuses = Object.entries(result.statuses)
        .map(([status, count]) => `${count} × ${status}`)
        .join(', ');
      table.push([
        scenario.name,
        String(level),
        String(Math.round(result.perSecond)),
        msText(result.latencyMs.p50),
        msText(result.latencyMs.p90),
        msText(result.latencyMs.p99),
        msText(result.latencyMs.p999),
        msText(result.latencyMs.max),
        `${statuses}, ${result.errors} errors`,
        cpuSeconds === null ? 'n/a' : `${((cpuSeconds / result.requests) * 1e6).toFixed(0)} µs`,
        tally ? decisionColumn(scenario, tally) : '',
      ]);
    }
    console.log(table.toString());

    const problems = outcomes.flatMap(problemsOf);
    if (problems.length > 0) {
      console.error(`FAILED, these figures do not measure what they name:\n- ${problems.join('\n- ')}`);
      process.exitCode = 1;
    }
  } finally {
    await floor.stop();
    await platform?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
