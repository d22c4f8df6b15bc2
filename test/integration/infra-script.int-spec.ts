import { chmodSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { InfraScript, isAlive, OccupiedPort, portAnswers } from '../support/infra-script';
import { repoRoot, testEnvironment } from '../support/test-environment';

// scripts/infra.mjs, run for real as a child process. Each case has a cache directory of its own
// (TESSERA_CACHE_DIR) and ports in 19192-19199, away from the shared broker and database the other suites use.
const ports = {
  broker: 19192,
  controller: 19193,
  failingBroker: 19194,
  failingController: 19195,
  notKafka: 19196,
  nothingThere: 19197,
  embeddedPostgres: 19198,
  unusedController: 19199,
};

const scripts: InfraScript[] = [];
const occupied: OccupiedPort[] = [];

function infraScript(name: string, settings: Record<string, string>): InfraScript {
  const script = new InfraScript(name, settings);
  scripts.push(script);
  return script;
}

async function occupy(port: number): Promise<OccupiedPort> {
  const taken = await OccupiedPort.take(port);
  occupied.push(taken);
  return taken;
}

async function cleanUp(): Promise<void> {
  for (const taken of occupied.splice(0)) await taken.release();
  for (const script of scripts.splice(0)) await script.destroy();
}

async function describeCluster(brokers: string[]) {
  const admin = new Kafka({ clientId: 'infra-script-test', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('scripts/infra.mjs', () => {
  beforeAll(async () => {
    // A leftover from another run on these ports would make every expectation below meaningless.
    for (const port of Object.values(ports))
      expect({ port, answers: await portAnswers(port) }).toEqual({ port, answers: false });
  });

  afterEach(cleanUp);
  afterAll(cleanUp);

  it('starts a local broker, reuses it on a second up, and stops and wipes it on down', async () => {
    const script = infraScript('broker', {
      KAFKA_BROKERS: '',
      TESSERA_KAFKA_PORT: String(ports.broker),
      TESSERA_KAFKA_CONTROLLER_PORT: String(ports.controller),
    });

    const first = await script.run(['up', '--kafka-only']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(
        `Kafka: starting Apache Kafka \\S+ \\(KRaft\\) at 127\\.0\\.0\\.1:${ports.broker}, pid \\d+, log ${script.kafkaLog}`,
      ),
    );
    expect(first.stdout).toMatch(/Kafka: broker answered after \d+\.\d s/);
    // Everything it keeps is in the cache directory it was given.
    const pid = Number(readFileSync(script.kafkaPidFile, 'utf8').trim());
    expect(isAlive(pid)).toBe(true);
    expect(existsSync(path.join(script.kafkaData, 'meta.properties'))).toBe(true);
    const cluster = await describeCluster([`127.0.0.1:${ports.broker}`]);
    expect(cluster.brokers).toEqual([expect.objectContaining({ host: '127.0.0.1', port: ports.broker })]);

    const second = await script.run(['up', '--kafka-only']);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(
      `Kafka: reusing the broker already running at 127.0.0.1:${ports.broker} (pid ${pid}`,
    );
    expect(second.stdout).not.toContain('starting');

    const down = await script.run(['down', '--kafka-only', '--wipe']);
    expect(down.status).toBe(0);
    expect(down.stdout).toContain(`Kafka: stopped broker pid ${pid}`);
    expect(isAlive(pid)).toBe(false);
    expect(await portAnswers(ports.broker)).toBe(false);
    expect(await portAnswers(ports.controller)).toBe(false);
    expect(existsSync(script.kafkaData)).toBe(false);
    expect(existsSync(script.kafkaPidFile)).toBe(false);
  }, 90_000);

  it('reports a broker that fails to start with what its log says', async () => {
    // Something else holds the controller port, so the broker cannot bind its CONTROLLER listener.
    await occupy(ports.failingController);
    const script = infraScript('failing', {
      KAFKA_BROKERS: '',
      TESSERA_KAFKA_PORT: String(ports.failingBroker),
      TESSERA_KAFKA_CONTROLLER_PORT: String(ports.failingController),
    });

    const result = await script.run(['up', '--kafka-only']);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('[infra] error: the Kafka broker exited during startup.');
    expect(result.stderr).toContain(
      `Socket server failed to bind to 127.0.0.1:${ports.failingController}: Address already in use`,
    );
    expect(result.stderr).toContain(`Last lines of ${script.kafkaLog}:`);
    // The report quotes the broker's own log: its last lines are that log's last lines.
    const quoted = result.stderr.split(`Last lines of ${script.kafkaLog}:\n`)[1]!.trimEnd().split('\n');
    const log = readFileSync(script.kafkaLog, 'utf8').trimEnd().split('\n');
    expect(quoted.length).toBeGreaterThan(10);
    expect(quoted).toEqual(log.slice(-quoted.length));
    expect(existsSync(script.kafkaPidFile)).toBe(false);
    expect(await portAnswers(ports.failingBroker)).toBe(false);
  }, 90_000);

  it('refuses a Kafka port held by something that is not a Kafka broker', async () => {
    await occupy(ports.notKafka);
    const script = infraScript('not-kafka', {
      KAFKA_BROKERS: '',
      TESSERA_KAFKA_PORT: String(ports.notKafka),
      TESSERA_KAFKA_CONTROLLER_PORT: String(ports.unusedController),
    });

    const result = await script.run(['up', '--kafka-only']);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `[infra] error: port ${ports.notKafka} is taken by something that is not a Kafka broker; set TESSERA_KAFKA_PORT`,
    );
    expect(result.stdout).not.toContain('starting');
    expect(existsSync(script.kafkaPidFile)).toBe(false);
  }, 30_000);

  it.each([
    ['TESSERA_LOCAL_POSTGRES', 'localhost', 'TESSERA_LOCAL_POSTGRES must be host:port (e.g. 127.0.0.1:5432'],
    ['TESSERA_LOCAL_POSTGRES', '127.0.0.1:70000', 'TESSERA_LOCAL_POSTGRES must be host:port'],
    [
      'TESSERA_EMBEDDED_POSTGRES_PORT',
      'five',
      'TESSERA_EMBEDDED_POSTGRES_PORT must be a port number (1-65535), got "five"',
    ],
    ['TESSERA_CACHE_DIR', 'package.json', 'TESSERA_CACHE_DIR must name a directory'],
  ])(
    'refuses %s=%s with a clear error',
    async (name, value, message) => {
      const script = infraScript('invalid', { KAFKA_BROKERS: '', TESSERA_KAFKA_PORT: String(ports.unusedController) });
      // The script only reads; a malformed setting must stop it before it looks at anything.
      const result = await script.run(['status'], 10_000, { [name]: value });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`[infra] error: ${message}`);
      expect(result.stdout).toBe('');
    },
    15_000,
  );

  it('falls back to an embedded PostgreSQL when no server is configured or answers, and stops it on down', async () => {
    const brokers = testEnvironment().kafkaBrokers.join(',');
    const sharedEnvFile = path.join(repoRoot, '.cache', 'infra.env');
    const sharedSettings = existsSync(sharedEnvFile) ? readFileSync(sharedEnvFile, 'utf8') : undefined;
    const script = infraScript('embedded-postgres', {
      KAFKA_BROKERS: brokers,
      TESSERA_LOCAL_POSTGRES: `127.0.0.1:${ports.nothingThere}`,
      TESSERA_EMBEDDED_POSTGRES_PORT: String(ports.embeddedPostgres),
    });
    // Run as root, embedded-postgres runs the server as the system user postgres, which must be able to reach
    // its data directory; mkdtemp makes the directory private to its owner.
    chmodSync(script.cacheDir, 0o755);

    const up = await script.run(['up']);

    expect(up.stderr).toBe('');
    expect(up.status).toBe(0);
    expect(up.stdout).toContain(`Kafka: external cluster at ${brokers}`);
    expect(up.stdout).toContain(
      `Postgres: nothing answers on 127.0.0.1:${ports.nothingThere} and DATABASE_URL is not set; starting an embedded PostgreSQL on 127.0.0.1:${ports.embeddedPostgres}`,
    );
    const settings = script.settings();
    expect(settings).toEqual({
      KAFKA_BROKERS: brokers,
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${ports.embeddedPostgres}/tessera`,
      TEST_DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${ports.embeddedPostgres}/tessera_test`,
    });
    const databases = await query<{ datname: string }>(
      settings.DATABASE_URL!,
      "SELECT datname FROM pg_database WHERE datname LIKE 'tessera%' ORDER BY datname",
    );
    expect(databases.map((row) => row.datname)).toEqual(['tessera', 'tessera_test']);
    const [testDatabase] = await query<{ database: string; port: number }>(
      settings.TEST_DATABASE_URL!,
      "SELECT current_database() AS database, current_setting('port')::int AS port",
    );
    expect(testDatabase).toEqual({ database: 'tessera_test', port: ports.embeddedPostgres });
    // The shared settings the other suites read were left alone.
    const sharedAfter = existsSync(sharedEnvFile) ? readFileSync(sharedEnvFile, 'utf8') : undefined;
    expect(sharedAfter).toEqual(sharedSettings);

    const down = await script.run(['down']);

    expect(down.status).toBe(0);
    expect(down.stdout).toContain('Kafka: no broker of ours is running');
    expect(down.stdout).toContain('Postgres: stopped the embedded server');
    expect(await portAnswers(ports.embeddedPostgres)).toBe(false);
    // The shared broker was not touched.
    expect((await describeCluster(brokers.split(','))).brokers.length).toBeGreaterThan(0);
  }, 120_000);
});
