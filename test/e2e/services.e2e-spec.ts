import net from 'node:net';
import { integritySchema } from '../../apps/integrity/src/migrations';
import { eventually } from '../support/eventually';
import { freePort, SERVICES, ServiceProcess, type ServiceName } from '../support/service-process';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();

/** Settings that give each run its own schemas and topics on the shared broker and database. */
function settings(service: ServiceName): Record<string, string> {
  return {
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: `e2e-${suffix}.`,
    ...(service === 'verifier' ? {} : { DATABASE_URL: env.databaseUrl, DATABASE_SCHEMA: `${service}_${suffix}` }),
  };
}

interface ReadyBody {
  status: string;
  info: Record<string, { status: string }>;
  error: Record<string, { status: string }>;
}

describe('the five services, each as its own process, on the real broker and database', () => {
  const running: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
  });

  it.each(SERVICES)(
    '%s boots, reports ready, serves metrics and stops gracefully on SIGTERM',
    async (service) => {
      const instance = new ServiceProcess(service, await freePort(), settings(service)).start();
      running.push(instance);

      const ready = await instance.waitFor('/health/ready', 200, 60_000);
      const body = JSON.parse(ready.body) as ReadyBody;
      expect(body.status).toBe('ok');
      // A verifier's readiness leaves Kafka out: it decides from its view while the broker is away (staleness).
      expect(Object.keys(body.info).sort()).toEqual(
        service === 'verifier' ? ['workers'] : ['kafka', 'postgres', 'workers'],
      );
      expect((await instance.get('/health/live')).status).toBe(200);
      expect((await instance.get('/health')).status).toBe(200);

      const metrics = await instance.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain(
        `tessera_http_requests_total{method="GET",route="/health/ready",status="200",service="tessera-${service}"}`,
      );
      expect(metrics.body).toContain('tessera_process_cpu_user_seconds_total');
      if (service !== 'verifier') {
        // Filled on the first scrape, all three from one query.
        expect(metrics.body).toMatch(/^tessera_outbox_pending_events\{service="tessera-[a-z]+"\} 0$/m);
        expect(metrics.body).toMatch(/^tessera_outbox_oldest_pending_seconds\{service="tessera-[a-z]+"\} 0$/m);
        expect(metrics.body).toMatch(/^tessera_outbox_max_publish_attempts\{service="tessera-[a-z]+"\} 0$/m);
      }

      // Every service documents its routes, from the build, with Swagger UI beside the document.
      const openapi = await instance.get('/openapi.json');
      expect(openapi.status).toBe(200);
      const document = JSON.parse(openapi.body) as { info: { title: string }; paths: Record<string, unknown> };
      expect(document.info.title).toBe(`Tessera ${service} API`);
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health/live', '/metrics']));
      const docs = await instance.get('/docs');
      expect(docs.status).toBe(200);
      expect(docs.body).toContain('/docs/swagger-ui-bundle.js');
      expect((await instance.get('/docs/swagger-ui-bundle.js')).status).toBe(200);

      // Bodies are size-limited and parsed strictly; errors are 4xx JSON with the request id, never a 500.
      const post = (body: string) =>
        fetch(`${instance.url}/health/live`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const tooLarge = await post(JSON.stringify({ padding: 'x'.repeat(100_000) }));
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.json()).toMatchObject({ statusCode: 413, message: 'request entity too large' });
      const malformed = await post('{"unterminated');
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as { requestId?: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);

      const missing = await instance.get('/no-such-route');
      expect(missing.status).toBe(404);
      const notFound = JSON.parse(missing.body) as { statusCode: number; requestId?: string };
      expect(notFound.statusCode).toBe(404);
      expect(notFound.requestId).toMatch(/^[0-9a-f-]{36}$/);

      // Logs are JSON lines, and the request id reaches them.
      const lines = instance.output.split('\n').filter((l) => l.startsWith('{'));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => typeof (JSON.parse(l) as { msg?: unknown }).msg === 'string')).toBe(true);
      await eventually(() => instance.output.includes('"url":"/no-such-route"'), 'the access log line of the 404');

      await instance.stop();
      expect(instance.exit?.signal === 'SIGTERM' || instance.exit?.code === 0).toBe(true);
      expect(instance.output).toContain('"msg":"stopped"');
    },
    90_000,
  );

  it('is alive but not ready while Kafka does not answer', async () => {
    const instance = new ServiceProcess('registration', await freePort(), {
      ...settings('registration'),
      KAFKA_BROKERS: '127.0.0.1:1',
    }).start();
    running.push(instance);
    await instance.waitFor('/health/live', 200);
    // Only what is missing is reported missing: Postgres answers, Kafka does not.
    let body: ReadyBody | undefined;
    await eventually(async () => {
      const ready = await instance.get('/health/ready');
      body = JSON.parse(ready.body) as ReadyBody;
      return ready.status === 503 && body.info.postgres?.status === 'up';
    }, 'readiness 503 with postgres up');
    expect(body?.error.kafka?.status).toBe('down');
    await instance.stop();
  }, 60_000);

  it('is alive but not ready while Postgres does not answer', async () => {
    const instance = new ServiceProcess('token', await freePort(), {
      ...settings('token'),
      DATABASE_URL: 'postgres://postgres:not-logged@127.0.0.1:1/tessera',
    }).start();
    running.push(instance);
    await instance.waitFor('/health/live', 200);
    const ready = await instance.waitFor('/health/ready', 503);
    expect((JSON.parse(ready.body) as ReadyBody).error.postgres?.status).toBe('down');
    expect(instance.output).toContain('database not reachable yet; retrying');
    expect(instance.output).not.toContain('not-logged');
    await instance.stop();
  }, 60_000);

  it('`main.js migrate` brings a schema up to date once and exits', async () => {
    const environment = { ...settings('integrity'), DATABASE_SCHEMA: `migrate_${uniqueSuffix()}` };
    const first = new ServiceProcess('integrity', await freePort(), environment, ['migrate']).start();
    await first.waitForExit();
    expect(first.exit?.code).toBe(0);
    // Every committed migration of the schema, oldest first (integritySchema lists them).
    const all = integritySchema.migrations.map((migration) => (migration as { name: string }).name);
    expect(first.output).toContain(`"migrationsRun":${JSON.stringify(all)},"msg":"migrated"`);
    const second = new ServiceProcess('integrity', await freePort(), environment, ['migrate']).start();
    await second.waitForExit();
    expect(second.exit?.code).toBe(0);
    expect(second.output).toContain('"migrationsRun":[],"msg":"schema already up to date"');
  }, 30_000);

  it('leaves with exit code 1 and one JSON line when it cannot listen', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const instance = new ServiceProcess('verifier', port, settings('verifier')).start();
      await instance.waitForExit();
      expect(instance.exit?.code).toBe(1);
      const fatal = instance.output.split('\n').find((line) => line.includes('"level":"fatal"'));
      expect(JSON.parse(fatal ?? '{}')).toMatchObject({
        msg: 'tessera-verifier could not start',
        err: { code: 'EADDRINUSE' },
      });
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('refuses to start with a bad setting, naming the variable and what it expects', async () => {
    const instance = new ServiceProcess('pins', await freePort(), {
      ...settings('pins'),
      OUTBOX_BATCH_SIZE: 'lots',
    }).start();
    await instance.waitForExit();
    expect(instance.exit?.code).toBe(78);
    expect(instance.output).toContain('invalid configuration for tessera-pins');
    expect(instance.output).toContain('OUTBOX_BATCH_SIZE: expected a batch size (positive integer) (got "lots")');
  }, 30_000);

  it('refuses to start the registration service without a key-encryption key, or with a bad one it never echoes', async () => {
    const missing = new ServiceProcess('registration', await freePort(), {
      ...settings('registration'),
      TESSERA_KEK: '',
    }).start();
    await missing.waitForExit();
    expect(missing.exit?.code).toBe(78);
    expect(missing.output).toContain(
      'TESSERA_KEK: is required: <kek id>:<base64 of 32 random bytes> (see docs/configuration.md)',
    );
    const shortKey = Buffer.from('sixteen byte key').toString('base64');
    const short = new ServiceProcess('registration', await freePort(), {
      ...settings('registration'),
      TESSERA_KEK: `kek-1:${shortKey}`,
    }).start();
    await short.waitForExit();
    expect(short.exit?.code).toBe(78);
    expect(short.output).toContain('TESSERA_KEK: expected exactly 32 bytes of base64 after the KEK id kek-1');
    expect(short.output).not.toContain(shortKey);
  }, 30_000);
});
