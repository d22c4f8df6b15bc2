import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { RebuildReport, RebuildRequest } from './rebuild-protocol';

/** One of bench/support's *-process scripts, forked with --expose-gc and spoken to over IPC. */
export class ForkedChild {
  private readonly reports: RebuildReport[] = [];
  private waiting: ((report: RebuildReport) => void) | undefined;
  private exit: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message) => {
      const report = message as RebuildReport;
      if (this.waiting) this.waiting(report);
      else this.reports.push(report);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = `the child process exited (code ${String(code)}, signal ${String(signal)})`;
        this.waiting?.({ type: 'failed', error: this.exit });
        resolve();
      });
    });
  }

  /** `cpuProfileDir`: write a CPU profile of the whole process there (node --cpu-prof). */
  static start(
    script: 'verifier-view-process' | 'kafka-read-process' | 'revocation-publish-process',
    cpuProfileDir?: string,
  ): ForkedChild {
    const execArgv = ['--expose-gc', ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [])];
    const entry = path.join(__dirname, `${script}.js`);
    return new ForkedChild(fork(entry, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  /** Sends a request and waits for the next report, at most `timeoutMs`; a failure report throws. */
  async ask<Type extends RebuildReport['type']>(
    request: RebuildRequest,
    expected: Type,
    timeoutMs: number,
  ): Promise<Extract<RebuildReport, { type: Type }>> {
    this.child.send(request);
    const report = await this.nextReport(timeoutMs);
    if (report.type === 'failed') throw new Error(report.error);
    if (report.type !== expected) throw new Error(`expected a ${expected} report, got ${report.type}`);
    return report as Extract<RebuildReport, { type: Type }>;
  }

  /** Waits for it to leave by itself (it does after the checks); kills it after `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.exit !== undefined) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  private nextReport(timeoutMs: number): Promise<RebuildReport> {
    const queued = this.reports.shift();
    if (queued) return Promise.resolve(queued);
    if (this.exit !== undefined) return Promise.resolve({ type: 'failed', error: this.exit });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        this.child.kill('SIGKILL');
        resolve({ type: 'failed', error: `no report from the child process within ${timeoutMs} ms` });
      }, timeoutMs);
      this.waiting = (report) => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(report);
      };
    });
  }
}
