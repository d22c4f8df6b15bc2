import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './test-environment';

export interface InfraRun {
  /** Exit code, or null when the script was killed (by a signal or the timeout). */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Settings that would leak from the test's own environment into the script's and change what it does. */
const inheritedSettings = /^(KAFKA_BROKERS|DATABASE_URL|TEST_DATABASE_URL|TESSERA_.*)$/;

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function pidFrom(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  // broker.pid and keeper.pid hold the pid alone; Postgres' postmaster.pid holds it on its first line.
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * scripts/infra.mjs run as a child process with a cache directory of its own (TESSERA_CACHE_DIR under the
 * system's temp directory), so it never touches the shared broker, database or .cache/infra.env.
 */
export class InfraScript {
  readonly cacheDir: string;
  private readonly env: NodeJS.ProcessEnv;
  /** Every process the script started from this directory, as seen in its pid files after each run. */
  private readonly started = new Set<number>();

  constructor(name: string, settings: Record<string, string>) {
    this.cacheDir = mkdtempSync(path.join(os.tmpdir(), `tessera-infra-${name}-`));
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!inheritedSettings.test(key)) env[key] = value;
    this.env = { ...env, ...settings, TESSERA_CACHE_DIR: this.cacheDir };
  }

  get kafkaLog(): string {
    return path.join(this.cacheDir, 'kafka', 'run', 'broker.log');
  }

  get kafkaPidFile(): string {
    return path.join(this.cacheDir, 'kafka', 'run', 'broker.pid');
  }

  get kafkaData(): string {
    return path.join(this.cacheDir, 'kafka', 'run', 'data');
  }

  get envFile(): string {
    return path.join(this.cacheDir, 'infra.env');
  }

  /** The settings the script wrote to its infra.env. */
  settings(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const line of readFileSync(this.envFile, 'utf8').split('\n')) {
      const match = /^([A-Z_]+)='(.*)'$/.exec(line.trim());
      if (match?.[1] && match[2] !== undefined) values[match[1]] = match[2];
    }
    return values;
  }

  /**
   * Runs the script to completion (asynchronously, so servers in the test process keep serving meanwhile), with
   * `settings` added to its environment for this run only.
   */
  run(args: string[], timeoutMs = 120_000, settings: Record<string, string> = {}): Promise<InfraRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'infra.mjs'), ...args], {
        env: { ...this.env, ...settings },
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (status) => {
        clearTimeout(timer);
        this.notePids();
        resolve({ status, stdout, stderr });
      });
    });
  }

  /**
   * Stops whatever the script started from this cache directory (through `down --wipe`, then SIGKILL for anything
   * that survived, even if its pid file is gone) and deletes the directory. Safe to call more than once and after
   * a failed test.
   */
  async destroy(): Promise<void> {
    if (!existsSync(this.cacheDir)) return;
    this.notePids();
    const ours = (pid: number) => isAlive(pid) && this.runsFromCacheDir(pid);
    if ([...this.started].some(ours)) await this.run(['down', '--wipe'], 60_000).catch(() => undefined);
    for (const pid of this.started) if (ours(pid)) process.kill(pid, 'SIGKILL');
    rmSync(this.cacheDir, { recursive: true, force: true });
  }

  /** Guards against a pid reused by another process: ours all name the cache directory on their command line. */
  private runsFromCacheDir(pid: number): boolean {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.cacheDir);
    } catch {
      return process.platform !== 'linux'; // no /proc to ask
    }
  }

  private notePids(): void {
    const pidFiles = [
      this.kafkaPidFile,
      path.join(this.cacheDir, 'postgres', 'keeper.pid'),
      path.join(this.cacheDir, 'postgres', 'data', 'postmaster.pid'),
    ];
    for (const pid of pidFiles.map(pidFrom)) if (pid !== undefined) this.started.add(pid);
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

/** A plain TCP server holding 127.0.0.1:port: it accepts connections and never says anything. */
export class OccupiedPort {
  private readonly server = net.createServer((socket) => {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  private readonly sockets = new Set<net.Socket>();

  private constructor(readonly port: number) {}

  static async take(port: number): Promise<OccupiedPort> {
    const occupied = new OccupiedPort(port);
    await new Promise<void>((resolve, reject) => {
      occupied.server.once('error', reject);
      occupied.server.listen(port, '127.0.0.1', () => {
        resolve();
      });
    });
    return occupied;
  }

  async release(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
