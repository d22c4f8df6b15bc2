import { fork } from 'node:child_process';
import path from 'node:path';

/** One load run: autocannon against one endpoint for a fixed time, after a warm-up of its own. */
export interface LoadSpec {
  /** The node's origin, e.g. http://127.0.0.1:41234. */
  origin: string;
  method: 'GET' | 'POST';
  path: string;
  /** Where each request carries its token: a header of that name, or a JSON body `{"token": ...}`. */
  tokenIn: { header: string } | 'json-body';
  connections: number;
  warmUpSeconds: number;
  seconds: number;
  /**
   * The tokens to send. One: every request sends it. More: each request, warm-up first, takes the next one never
   * sent; past the end they are sent again (counted as reused).
   */
  tokens: readonly string[];
  expectedStatus: number;
  /** Every answer's body must contain this. */
  expectedInBody: string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  /** From every answer's own time (autocannon's histogram rounds to whole milliseconds). */
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Answers whose body lacked `expectedInBody`. */
  unexpectedBodies: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** Tokens taken from the list, warm-up included (the next run can start after them). */
  tokensTaken: number;
  /** Measured requests that sent a token already sent, because the list ran out. */
  tokensReused: number;
}

/** Parent to child: the run, then (once the child has warmed up) the go for the measured part. */
export type LoadCommand = { kind: 'run'; spec: LoadSpec } | { kind: 'measure' };
export type LoadReport = { kind: 'warmed' } | { kind: 'done'; result: LoadResult } | { kind: 'failed'; error: string };

const CHILD = path.join(__dirname, 'http-load-child.js');

/**
 * Runs the load from a process of its own, so the client's work is not this process's (which holds the services'
 * output and the Kafka clients). `beforeMeasuring` runs between the warm-up and the measured part, e.g. to read the
 * node's counters.
 */
export function runLoad(spec: LoadSpec, beforeMeasuring: () => Promise<void> = () => Promise.resolve()) {
  return new Promise<LoadResult>((resolve, reject) => {
    const child = fork(CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      if (child.connected) child.disconnect();
      outcome();
    };
    child.on('message', (message: LoadReport) => {
      switch (message.kind) {
        case 'warmed':
          beforeMeasuring().then(
            () => child.send({ kind: 'measure' } satisfies LoadCommand),
            (error: unknown) => {
              child.kill();
              finish(() => {
                reject(error instanceof Error ? error : new Error(String(error)));
              });
            },
          );
          break;
        case 'done':
          finish(() => {
            resolve(message.result);
          });
          break;
        case 'failed':
          finish(() => {
            reject(new Error(`the load process failed: ${message.error}`));
          });
          break;
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      finish(() => {
        reject(new Error(`the load process exited (${code}) before its result`));
      });
    });
    child.send({ kind: 'run', spec } satisfies LoadCommand);
  });
}
