#!/usr/bin/env node
// Runs pending migrations of every stateful service now (they also run at each service's startup), using
// DATABASE_URL from the environment or from infra.env (see scripts/infra-env.mjs) and TESSERA_KEK from the environment
// or the local development key (scripts/local-kek.mjs). Builds first.   usage: node scripts/migrate.mjs
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInfraEnv } from './infra-env.mjs';
import { localKek } from './local-kek.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const services = ['registration', 'integrity', 'token', 'pins'];

const env = { ...process.env };
env.DATABASE_URL ||= readInfraEnv(root).DATABASE_URL;
// The services load their whole configuration before migrating, and the registration service's includes its KEK.
env.TESSERA_KEK ||= localKek(root).kek;

const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
for (const service of services) {
  const result = spawnSync(process.execPath, [path.join(root, 'dist', 'apps', service, 'src', 'main.js'), 'migrate'], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    process.stderr.write(`[migrate] ${service} failed (exit ${result.status})\n`);
    process.exit(1);
  }
}
