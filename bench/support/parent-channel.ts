import type { RebuildReport, RebuildRequest } from './rebuild-protocol';

/** The next request from bench/verifier-rebuild.ts, in a process it forked. */
export function nextRequest(): Promise<RebuildRequest> {
  return new Promise((resolve) => {
    process.once('message', (message) => {
      resolve(message as RebuildRequest);
    });
  });
}

/** Resolves once the message is handed to the IPC channel, so exiting right after does not lose it. */
export function report(message: RebuildReport): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) throw new Error('run me through bench/verifier-rebuild.ts (fork, with IPC)');
    process.send(message, undefined, {}, (error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}

/** Runs a forked process's work, reports a failure to the parent, and exits. */
export function runForked(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      const failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
      void report({ type: 'failed', error: failure })
        .catch(() => process.stderr.write(`${failure}\n`))
        .finally(() => process.exit(1));
    },
  );
}
