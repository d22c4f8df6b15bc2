#!/usr/bin/env node
import { processIo, runCli } from '@tessera/cli';

// The whole CLI lives in libs/cli; this only binds it to the process.
runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tessera: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
