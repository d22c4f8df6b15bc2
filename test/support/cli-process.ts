import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './test-environment';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The built `tessera` CLI (`npm run build`), run as its own process with a home and config file of its own and
 * nothing else from this environment. Asynchronous, so a service running in this process keeps answering.
 */
export class CliProcess {
  readonly home = mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-home-'));
  readonly configFile = path.join(this.home, 'tessera.json');

  /** Removes the CLI's home directory (its config file holds a key). */
  remove(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
  /** Everything every run printed, to check that a secret never appeared. */
  transcript = '';

  constructor(private readonly env: Record<string, string> = {}) {
    if (!existsSync(CliProcess.entry)) {
      throw new Error(`${CliProcess.entry} is missing: run \`npm run build\` before the end-to-end tests`);
    }
  }

  static get entry(): string {
    return path.join(repoRoot, 'dist', 'apps', 'cli', 'src', 'main.js');
  }

  run(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
    const child = spawn(process.execPath, [CliProcess.entry, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: this.home,
        TESSERA_CONFIG: this.configFile,
        ...this.env,
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.end(options.stdin ?? '');
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => {
        this.transcript += `$ tessera ${args.join(' ')}\n${stdout}${stderr}`;
        resolve({ code, stdout, stderr });
      });
    });
  }
}
