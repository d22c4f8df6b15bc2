#!/usr/bin/env node
// Runs a benchmark from the build with the broker and database `npm run infra:up` settled on.
//   node scripts/bench.mjs <name> [args...]     e.g. node scripts/bench.mjs outbox-latency --events 1000
//   names: outbox-latency, registration-api, request-reply (bench/<name>.ts)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInfraEnv } from './infra-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
const entry = path.join(root, 'dist', 'bench', `${name ?? ''}.js`);
if (!name || !existsSync(entry)) {
  process.stderr.write(`usage: node scripts/bench.mjs <name> [args]; ${entry} not found (run \`npm run build\`)\n`);
  process.exit(2);
}
const infra = readInfraEnv(root);
const env = {
  ...process.env,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS || infra.KAFKA_BROKERS,
  TEST_DATABASE_URL: process.env.TEST_DATABASE_URL || infra.TEST_DATABASE_URL,
};
const result = spawnSync(process.execPath, [entry, ...args], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
