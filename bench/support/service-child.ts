import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import net from 'node:net';

/** USER_HZ: what Linux counts /proc CPU times in, 100 on every common architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time a process has used so far, user and system (Linux: /proc/<pid>/stat, in clock ticks of 10 ms), or null
 * where there is no /proc. Unlike wall time, it does not count the time other work holds the cores (though a crowded
 * machine still slows what it counts: caches, shared cores).
 */
export async function processCpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces, in parentheses): utime and stime are 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** A port nobody listens on right now, for a child service. */
export function freePort(): Promise<number> {
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

/** Runs a command of the build to its end (e.g. `main.js bootstrap`), with its output. */
export function runToEnd(
  entry: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** A service started from the build as its own process, the way an operator runs it. */
export class ServiceChild {
  private output = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
  }

  static start(entry: string, port: number, env: Record<string, string>): ServiceChild {
    const child = spawn(process.execPath, [entry], {
      env: { ...env, HOST: '127.0.0.1', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceChild(child, `http://127.0.0.1:${port}`);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the service did not start');
    return this.child.pid;
  }

  /** What the service logged (at the level it was given), for error messages. */
  get log(): string {
    return this.output;
  }

  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`the service exited (${JSON.stringify(this.exit)}):\n${this.output.slice(-3000)}`);
      const status = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2000) }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the service was not ready within ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
  }

  /** The process's resident set size now (Linux: VmRSS of /proc/<pid>/status), or null where there is no /proc. */
  async residentBytes(): Promise<number | null> {
    try {
      const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
      const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
      return kib === undefined ? null : Number(kib) * 1024;
    } catch {
      return null;
    }
  }

  /** CPU time the process has used so far (see processCpuSeconds). */
  cpuSeconds(): Promise<number | null> {
    return processCpuSeconds(this.pid);
  }

  /** SIGTERM, then SIGKILL if it has not left after `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.exit) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}
