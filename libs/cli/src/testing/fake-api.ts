import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliIo } from '../cli-io';
import { runCli } from '../run-cli';

/** Unit-test support (not built into dist): a scripted admin API behind a fake fetch, and a CLI run against it. */

export const ADMIN_KEY = `tsk_0123456789abcdef_${'S'.repeat(43)}`;
/** Where runAgainst's default environment puts the registration service, and where token tests put the token service. */
export const REGISTRATION_ENDPOINT = 'http://api.test';
export const TOKEN_ENDPOINT = 'http://token.test';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The parsed JSON body, when there was one. */
  json?: unknown;
  /** The raw bytes of a streamed body. */
  bytes?: Buffer;
  init: RequestInit;
}

export interface FakeReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Route = { method: string; path: string; reply: FakeReply | ((request: RecordedRequest) => FakeReply) };

export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];

  /**
   * Answers `method path` (path without query) with `reply`; later routes win. `path` is a path on any host, or an
   * absolute URL (`http://token.test/v1/...`) to answer on that origin only, so a request sent to the wrong service
   * finds no route.
   */
  on(method: string, path: string, reply: Route['reply']): this {
    this.routes.unshift({ method, path, reply });
    return this;
  }

  /** Makes every request fail as fetch does when nothing listens. */
  unreachable = false;

  readonly fetch: typeof fetch = async (input, init = {}) => {
    if (this.unreachable) {
      const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      throw new TypeError('fetch failed', { cause: refused });
    }
    const url = new URL(input instanceof Request ? input.url : String(input));
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      url,
      headers: new Headers(init.headers),
      init,
    };
    if (typeof init.body === 'string') request.json = JSON.parse(init.body);
    else if (init.body instanceof ReadableStream) {
      request.bytes = Buffer.from(await new Response(init.body).arrayBuffer());
    }
    this.requests.push(request);
    const route = this.routes.find((r) => r.method === request.method && routeMatches(r.path, url));
    const reply: FakeReply = route
      ? typeof route.reply === 'function'
        ? route.reply(request)
        : route.reply
      : { status: 404, body: { statusCode: 404, message: `fake API: no route for ${request.method} ${url.pathname}` } };
    const status = reply.status ?? 200;
    const body = status === 204 || reply.body === undefined ? null : JSON.stringify(reply.body);
    return new Response(body, { status, headers: { 'content-type': 'application/json', ...reply.headers } });
  };

  /** The one request made to `method path` (a path, or an absolute URL as for `on`); fails when there was not exactly one. */
  only(method: string, path: string): RecordedRequest {
    const matching = this.requests.filter((r) => r.method === method && routeMatches(path, r.url));
    if (matching.length !== 1) {
      const made = this.requests.map((r) => `${r.method} ${r.url.origin}${r.url.pathname}`).join(', ');
      throw new Error(`expected one ${method} ${path}, got ${matching.length} (requests: ${made || 'none'})`);
    }
    return matching[0] as RecordedRequest;
  }
}

function routeMatches(path: string, url: URL): boolean {
  return /^https?:\/\//.test(path) ? `${url.origin}${url.pathname}` === path : url.pathname === path;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** A home directory; a fresh temporary one by default. */
  home?: string;
}

/** Runs the CLI in process against `api`; logged in with ADMIN_KEY through the environment unless env says otherwise. */
export async function runAgainst(api: FakeApi, argv: string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ownHome = options.home === undefined;
  const home = options.home ?? mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-'));
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { TESSERA_ENDPOINT: REGISTRATION_ENDPOINT, TESSERA_API_KEY: ADMIN_KEY, ...options.env },
    homeDir: home,
    fetch: api.fetch,
    readStdin: () => Promise.resolve(options.stdin ?? ''),
  };
  try {
    const code = await runCli(argv, io);
    return { code, stdout, stderr };
  } finally {
    if (ownHome) rmSync(home, { recursive: true, force: true });
  }
}
