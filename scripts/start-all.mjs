#!/usr/bin/env node
// Starts Tessera on this machine: installs npm packages if needed, brings up Kafka and Postgres
// (scripts/infra.mjs), builds, starts the five services as separate processes, waits until each is ready and
// prints their URLs. Ctrl-C stops the services (the broker keeps running; `npm run infra:down` stops it).
//
//   node scripts/start-all.mjs           run until Ctrl-C
//   node scripts/start-all.mjs --smoke   start, check every service is ready and run the walk-through, stop,
//                                        exit 0 (used by CI)
//   --no-walk-through                    skip the walk-through (scripts/demo.mjs) that shows the platform working
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo } from './demo.mjs';
import { readInfraEnv } from './infra-env.mjs';
import { localKek } from './local-kek.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const smoke = process.argv.includes('--smoke');
const walkThrough = !process.argv.includes('--no-walk-through');
const services = [
  { name: 'registration', port: 3001, role: 'admin API: tenants, apps, registrations, policies, revocations' },
  { name: 'integrity', port: 3002, role: 'SDK endpoints: challenge, attest' },
  { name: 'token', port: 3003, role: 'signing keys, JWKS, token issuance' },
  { name: 'pins', port: 3004, role: 'pin sets, rotations, signed pin configs' },
  { name: 'verifier', port: 3005, role: 'token verification sidecar' },
];
const logDir = path.join(root, '.cache', 'logs');

/** A path as the user can find it: relative inside the repository, absolute outside (TESSERA_CACHE_DIR). */
function shown(file) {
  const relative = path.relative(root, file);
  return relative.startsWith('..') ? file : relative;
}

function say(message) {
  process.stdout.write(`[tessera] ${message}\n`);
}

function run(command, args, what) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`[tessera] ${what} failed (exit ${result.status})\n`);
    process.exit(1);
  }
}

function installIfNeeded() {
  const stamp = path.join(root, 'node_modules', '.tessera-installed-lock');
  const lock = readFileSync(path.join(root, 'package-lock.json'), 'utf8');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) return;
  say('installing npm packages');
  // Not `npm ci`: see scripts/test-all.sh for why.
  run('npm', ['install', '--no-audit', '--no-fund'], 'npm install');
  writeFileSync(stamp, lock);
}

async function readiness(port) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(3000) });
    return { ok: response.ok, body: await response.json() };
  } catch (error) {
    return { ok: false, body: { error: error.message } };
  }
}

installIfNeeded();
run(process.execPath, [path.join(root, 'scripts', 'infra.mjs'), 'up'], 'infrastructure');
say('building (tsc)');
run('npm', ['run', '--silent', 'build'], 'build');

const settings = readInfraEnv(root);
const kek = localKek(root);
if (kek.source !== 'environment') {
  say(
    `key-encryption key: the local development KEK in ${shown(kek.file)} (${kek.source === 'generated' ? 'generated now' : 'kept from an earlier run'}); set TESSERA_KEK to use your own`,
  );
}
mkdirSync(logDir, { recursive: true });
const children = services.map((service) => {
  const log = openSync(path.join(logDir, `${service.name}.log`), 'a');
  const child = spawn(process.execPath, [path.join(root, 'dist', 'apps', service.name, 'src', 'main.js')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(service.port),
      KAFKA_BROKERS: settings.KAFKA_BROKERS,
      TESSERA_KEK: kek.kek,
      ...(service.name === 'verifier' ? {} : { DATABASE_URL: settings.DATABASE_URL }),
    },
    stdio: ['ignore', log, log],
  });
  child.on('exit', (code, signal) => {
    if (!stopping)
      say(
        `${service.name} exited unexpectedly (${signal ?? code}); see ${path.relative(root, path.join(logDir, `${service.name}.log`))}`,
      );
  });
  return { ...service, child };
});

let stopping = false;
async function stopAll() {
  if (stopping) return;
  stopping = true;
  say('stopping the services');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
}
process.on('SIGINT', () => void stopAll().then(() => process.exit(0)));
process.on('SIGTERM', () => void stopAll().then(() => process.exit(0)));

const deadline = Date.now() + 90_000;
const results = new Map();
while (Date.now() < deadline && results.size < children.length) {
  for (const service of children) {
    if (results.has(service.name)) continue;
    const check = await readiness(service.port);
    if (check.ok) results.set(service.name, check.body);
  }
  if (results.size < children.length) await new Promise((resolve) => setTimeout(resolve, 300));
}

say('');
say('service        URL                     ready   checks');
for (const service of children) {
  const body = results.get(service.name);
  const checks = body
    ? Object.entries(body.info ?? {})
        .map(([name, info]) => `${name} ${info.status}`)
        .join(', ')
    : 'not ready';
  say(`${service.name.padEnd(14)} http://127.0.0.1:${service.port}   ${body ? 'yes' : 'NO '}     ${checks}`);
}
say('');
say(`each serves /health/live, /health/ready and /metrics; logs in ${path.relative(root, logDir)}/<service>.log`);

if (results.size < children.length) {
  for (const service of children.filter((s) => !results.has(s.name))) {
    say(`${service.name} did not become ready; last answer: ${JSON.stringify((await readiness(service.port)).body)}`);
  }
  await stopAll();
  process.exit(1);
}

if (walkThrough) {
  try {
    await runDemo({
      root,
      env: { DATABASE_URL: settings.DATABASE_URL, KAFKA_BROKERS: settings.KAFKA_BROKERS },
      say,
      urls: Object.fromEntries(children.map((service) => [service.name, `http://127.0.0.1:${service.port}`])),
    });
  } catch (error) {
    say(`the walk-through failed: ${error.message}`);
    await stopAll();
    process.exit(1);
  }
}

if (smoke) {
  await stopAll();
  say(`smoke check passed: all five services were ready${walkThrough ? ' and the walk-through worked' : ''}`);
  process.exit(0);
}
say('Tessera is running. Ctrl-C stops the services; `npm run infra:down` stops Kafka.');
