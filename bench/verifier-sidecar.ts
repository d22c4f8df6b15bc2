/**
 * The verifier sidecar under HTTP load: one built verifier node as its own process, fed by the built registration
 * and token services over Kafka, loaded by autocannon from a process of its own for a fixed time per scenario:
 * GET /v1/auth with one repeated token (the verified-token cache answers), GET /v1/auth with a token never sent
 * before on every request (the signature is checked every time), POST /v1/verify with one repeated token. Every
 * answer must be 200 with an accepting body, and the node's own counters must show the path the scenario names;
 * otherwise the run says what went wrong and exits 1. Prints figures; results live in docs/benchmarks.md.
 *
 *   npm run bench:verifier-sidecar [-- --seconds 10 --warm-up 3 --connections 20 --fresh-tokens 40000]
 *   (builds first; scripts/bench.mjs passes the infra:up settings)
 */
import Table from 'cli-table3';
import { availableParallelism, loadavg } from 'node:os';
import { type LoadResult, runLoad, type LoadSpec } from './support/http-load';
import { mib } from './support/stats';
import { type DecisionTally, decisionTally, tallyDifference } from './support/verifier-metrics';
import { VerifierPlatform } from './support/verifier-platform';

/** No colours: the tables are pasted into docs/benchmarks.md. */
const PLAIN = { head: [], border: [] };
const ACCEPTED = '"decision":"accept"';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

interface Scenario {
  name: string;
  /** Which path of the verifier every request must take, by the node's own counters. */
  path: 'cached' | 'fresh';
  spec: LoadSpec;
}

interface Outcome {
  scenario: Scenario;
  result: LoadResult;
  tally: DecisionTally;
}

/** What makes a scenario's figures wrong: unexpected answers, or a node that took another path than it names. */
function problemsOf({ scenario, result, tally }: Outcome, connections: number): string[] {
  const problems: string[] = [];
  const expected = String(scenario.spec.expectedStatus);
  const other = Object.entries(result.statuses).filter(([status]) => status !== expected);
  if (other.length > 0) problems.push(`answers other than ${expected}: ${JSON.stringify(Object.fromEntries(other))}`);
  if (result.unexpectedBodies > 0) problems.push(`${result.unexpectedBodies} answers without ${ACCEPTED}`);
  if (result.errors > 0) problems.push(`${result.errors} connection errors (${result.timeouts} timeouts)`);
  if (result.requests === 0) problems.push('no answer at all');
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
  return problems.map((problem) => `${scenario.name}: ${problem}`);
}

async function main(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!brokers || !databaseUrl) throw new Error('run it through `npm run bench:verifier-sidecar`');
  const seconds = Number(arg('seconds', '10'));
  const warmUpSeconds = Number(arg('warm-up', '3'));
  const connections = Number(arg('connections', '20'));
  const freshTokens = Number(arg('fresh-tokens', '40000'));
  const logLevel = arg('log-level', 'warn');
  // The warm-up gets fresh tokens of its own, in proportion to its time.
  const warmUpTokens = Math.ceil((freshTokens * warmUpSeconds) / seconds);

  const platform = await VerifierPlatform.start({ brokers, databaseUrl, label: 'vs', verifierNodes: 1, logLevel });
  try {
    const [node] = platform.verifiers;
    if (!node) throw new Error('no verifier node');
    const issuing = Date.now();
    const repeated = await platform.tokens.issue();
    const fresh = await platform.tokens.issueMany(warmUpTokens + freshTokens);
    const issuingSeconds = (Date.now() - issuing) / 1000;
    const common = {
      origin: node.url,
      connections,
      warmUpSeconds,
      seconds,
      expectedStatus: 200,
      expectedInBody: ACCEPTED,
    };
    const auth = { method: 'GET', path: '/v1/auth', tokenIn: { header: 'Tessera-Token' } } as const;
    const scenarios: Scenario[] = [
      {
        name: 'GET /v1/auth, one repeated token',
        path: 'cached',
        spec: { ...common, ...auth, warmUpTokens: [repeated], tokens: [repeated] },
      },
      {
        name: 'GET /v1/auth, a fresh token each',
        path: 'fresh',
        spec: { ...common, ...auth, warmUpTokens: fresh.slice(0, warmUpTokens), tokens: fresh.slice(warmUpTokens) },
      },
      {
        name: 'POST /v1/verify, one repeated token',
        path: 'cached',
        spec: {
          ...common,
          method: 'POST',
          path: '/v1/verify',
          tokenIn: 'json-body',
          warmUpTokens: [repeated],
          tokens: [repeated],
        },
      },
    ];

    const outcomes: Outcome[] = [];
    for (const scenario of scenarios) {
      let before: DecisionTally | undefined;
      const result = await runLoad(scenario.spec, async () => {
        before = await decisionTally(node.url);
      });
      if (!before) throw new Error('the load ran without its warm-up');
      outcomes.push({ scenario, result, tally: tallyDifference(before, await decisionTally(node.url)) });
    }

    console.log(
      `verifier sidecar (built, own process, LOG_LEVEL=${logLevel}), Node.js ${process.version}, ` +
        `${availableParallelism()} cores, load average ${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}`,
    );
    console.log(
      `autocannon from its own process: ${connections} connections, ${warmUpSeconds} s warm-up then ${seconds} s ` +
        `per scenario; ${fresh.length + 1} genuine ES256 tokens issued over Kafka in ${issuingSeconds.toFixed(1)} s; ` +
        `node RSS after the runs ${mib(await node.residentBytes())}`,
    );
    const table = new Table({
      style: PLAIN,
      head: ['scenario', 'req/s', 'p50', 'p90', 'p99', 'p99.9', 'max', 'answers', 'in the node: path, mean decision'],
    });
    const msText = (value: number) => `${value.toFixed(2)} ms`;
    for (const { scenario, result, tally } of outcomes) {
      const statuses = Object.entries(result.statuses)
        .map(([status, count]) => `${count} × ${status}`)
        .join(', ');
      const decisionMs =
        scenario.path === 'cached' ? tally.cachedSeconds / tally.cached : tally.freshSeconds / tally.fresh;
      table.push([
        scenario.name,
        String(Math.round(result.perSecond)),
        msText(result.latencyMs.p50),
        msText(result.latencyMs.p90),
        msText(result.latencyMs.p99),
        msText(result.latencyMs.p999),
        msText(result.latencyMs.max),
        `${statuses}, ${result.errors} errors`,
        `${tally.fresh} fresh, ${tally.cached} cached, ${(decisionMs * 1e6).toFixed(1)} µs`,
      ]);
    }
    console.log(table.toString());

    const problems = outcomes.flatMap((outcome) => problemsOf(outcome, connections));
    if (problems.length > 0) {
      console.error(`FAILED, these figures do not measure what they name:\n- ${problems.join('\n- ')}`);
      process.exitCode = 1;
    }
  } finally {
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
