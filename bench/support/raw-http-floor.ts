import { fork } from 'node:child_process';
import path from 'node:path';
import { processCpuSeconds } from './service-child';

/** node:http alone in a process of its own: what any HTTP answer costs here, measured next to the verifier's. */
export class RawHttpFloor {
  private constructor(
    private readonly child: ReturnType<typeof fork>,
    readonly url: string,
  ) {}

  static start(): Promise<RawHttpFloor> {
    const child = fork(path.join(__dirname, 'raw-http-floor-child.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => {
        reject(new Error(`the floor server exited (${code}) before it listened`));
      });
      child.once('message', (port: number) => {
        resolve(new RawHttpFloor(child, `http://127.0.0.1:${port}`));
      });
    });
  }

  cpuSeconds(): Promise<number | null> {
    return this.child.pid === undefined ? Promise.resolve(null) : processCpuSeconds(this.child.pid);
  }

  /** Cutting the IPC channel closes the server; the process then ends. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
  }
}
