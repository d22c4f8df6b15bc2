import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { eventually } from './eventually';
import { repoRoot } from './test-environment';
import { TEST_KEK } from './test-kek';

export const SERVICES = ['registration', 'integrity', 'token', 'pins', 'verifier'] as const;
export type ServiceName = (typeof SERVICES)[number];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  });
}

/** One service, started from the build (`npm run build`) as its own process, the way the start command runs it. */
export class ServiceProcess {
  output = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly service: ServiceName,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly args: string[] = [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  start(): this {
    const entry = path.join(repoRoot, 'dist', 'apps', this.service, 'src', 'main.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` before the end-to-end tests`);
    const child = spawn(process.execPath, [entry, ...this.args], {
      // Every service that seals secrets needs a KEK; the others ignore it.
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        LOG_LEVEL: 'info',
        TESSERA_KEK: TEST_KEK,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
    return this;
  }

  async get(route: string): Promise<{ status: number; body: string }> {
    const response = await fetch(`${this.url}${route}`, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: await response.text() };
  }

  /** Waits until the service answers `route` with `status`. */
  async waitFor(route: string, status: number, timeoutMs = 30_000): Promise<{ status: number; body: string }> {
    let last: { status: number; body: string } = { status: 0, body: '' };
    try {
      await eventually(
        async () => {
          if (this.exit)
            throw new Error(`${this.service} exited (${JSON.stringify(this.exit)}):\n${this.output.slice(-3000)}`);
          last = await this.get(route).catch(() => ({ status: 0, body: '' }));
          return last.status === status;
        },
        `${this.service} ${route} to answer ${status}`,
        timeoutMs,
      );
    } catch (error) {
      throw new Error(
        `${(error as Error).message}; last answer ${last.status} ${last.body}\n${this.output.slice(-3000)}`,
        { cause: error },
      );
    }
    return last;
  }

  /** Sends SIGTERM and waits for the process to leave. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (!this.child || this.exit) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  async waitForExit(): Promise<void> {
    await this.exited;
  }
}
