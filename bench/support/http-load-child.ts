/**
 * The load process of http-load.ts (forked, never run by hand): autocannon for the warm-up, a word to the parent,
 * then the measured run once the parent says so, and its result.
 */
import autocannon from 'autocannon';
import type { LoadCommand, LoadReport, LoadResult, LoadSpec } from './http-load';
import { percentile } from './stats';

function report(message: LoadReport): void {
  process.send?.(message);
}

/** Hands out the spec's tokens in order, each once; past the end, again, counted as reused. */
class TokenCursor {
  taken = 0;
  reused = 0;

  constructor(private readonly tokens: readonly string[]) {}

  next(): string {
    if (this.taken >= this.tokens.length) this.reused += 1;
    return this.tokens[this.taken++ % this.tokens.length] ?? '';
  }
}

/** The requests autocannon cycles through: one fixed request for one token, or one rebuilt per request. */
function requestsFor(spec: LoadSpec, cursor: TokenCursor): autocannon.Request[] {
  const request = (token: string): autocannon.Request =>
    spec.tokenIn === 'json-body'
      ? {
          method: spec.method,
          path: spec.path,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token }),
        }
      : { method: spec.method, path: spec.path, headers: { [spec.tokenIn.header]: token } };
  const [only] = spec.tokens;
  // A fixed request is built once; autocannon rebuilds a request with setupRequest every time it sends it.
  if (spec.tokens.length === 1 && only !== undefined) return [request(only)];
  // `base` carries autocannon's host and port for the request line.
  return [{ setupRequest: (base) => ({ ...base, ...request(cursor.next()) }) }];
}

function cannon(spec: LoadSpec, cursor: TokenCursor, seconds: number): Promise<LoadResult> {
  const reusedBefore = cursor.reused;
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.origin,
        connections: spec.connections,
        duration: seconds,
        timeout: 10,
        requests: requestsFor(spec, cursor),
        verifyBody: (body) => String(body).includes(spec.expectedInBody),
      },
      (error: unknown, result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
          return;
        }
        const sorted = latencies.sort((a, b) => a - b);
        const statuses: Record<string, number> = {};
        for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = count ?? 0;
        resolve({
          requests: latencies.length,
          seconds: result.duration,
          perSecond: latencies.length / result.duration,
          latencyMs: {
            p50: percentile(sorted, 50),
            p90: percentile(sorted, 90),
            p99: percentile(sorted, 99),
            p999: percentile(sorted, 99.9),
            max: sorted.at(-1) ?? NaN,
          },
          statuses,
          unexpectedBodies: result.mismatches,
          errors: result.errors,
          timeouts: result.timeouts,
          tokensTaken: cursor.taken,
          tokensReused: cursor.reused - reusedBefore,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
}

function nextCommand(): Promise<LoadCommand> {
  return new Promise((resolve) => {
    process.once('message', (message: LoadCommand) => {
      resolve(message);
    });
  });
}

async function main(): Promise<void> {
  const command = await nextCommand();
  if (command.kind !== 'run') throw new Error(`expected the run first, got ${command.kind}`);
  const { spec } = command;
  const cursor = new TokenCursor(spec.tokens);
  if (spec.warmUpSeconds > 0) await cannon(spec, cursor, spec.warmUpSeconds);
  report({ kind: 'warmed' });
  const go = await nextCommand();
  if (go.kind !== 'measure') throw new Error(`expected the go to measure, got ${go.kind}`);
  report({ kind: 'done', result: await cannon(spec, cursor, spec.seconds) });
  process.disconnect();
}

main().catch((error: unknown) => {
  report({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.disconnect();
});
