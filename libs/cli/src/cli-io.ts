import os from 'node:os';
import type { OutputStreams } from './output/printer';

/** What the CLI touches outside itself; tests pass their own (a fake fetch, captured output, a temp home). */
export interface CliIo extends OutputStreams {
  env: Record<string, string | undefined>;
  homeDir: string;
  fetch: typeof fetch;
  /** All of stdin as text (a key or a secret piped in). */
  readStdin: () => Promise<string>;
}

/** The real process: its streams, environment, home directory and fetch. */
export function processIo(): CliIo {
  // `tessera audit --all | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    homeDir: os.homedir(),
    fetch: (input, init) => globalThis.fetch(input, init),
    readStdin: async () => {
      if (process.stdin.isTTY) process.stderr.write('reading from stdin: paste, then press Enter and Ctrl-D\n');
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
