import { Topics, topicName } from '@tessera/contracts';
import { DataSource } from 'typeorm';
import { TopicProbe } from '../support/kafka-probe';
import { freePort, ServiceProcess } from '../support/service-process';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `regboot_${suffix}`;
const prefix = `e2e-${suffix}.`;
const tenant = `boot-${suffix}`;
const settings = {
  KAFKA_BROKERS: env.kafkaBrokers.join(','),
  KAFKA_TOPIC_PREFIX: prefix,
  DATABASE_URL: env.databaseUrl,
  DATABASE_SCHEMA: schema,
};

describe('`main.js bootstrap`: the first tenant and admin key of the registration service', () => {
  const running: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    const admin = new DataSource({ type: 'postgres', url: env.databaseUrl });
    await admin.initialize();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.destroy();
  });

  it('prints the key once; the service then accepts it and publishes the tenant; a second bootstrap is refused', async () => {
    const bootstrap = async (...args: string[]) => {
      const command = new ServiceProcess('registration', await freePort(), settings, ['bootstrap', ...args]).start();
      await command.waitForExit();
      return command;
    };
    const first = await bootstrap('--tenant', tenant, '--name', 'Bootstrapped Ltd');
    expect(first.exit).toEqual({ code: 0, signal: null });
    const printed = JSON.parse(first.output.trim()) as { tenantId: string; keyId: string; key: string };
    expect(printed).toMatchObject({ tenantId: tenant, keyId: expect.stringMatching(/^[0-9a-f]{16}$/) as string });
    expect(printed.key).toMatch(/^tsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);

    const again = await bootstrap('--tenant', tenant);
    expect(again.exit?.code).toBe(1);
    expect(again.output).toContain('exists already');
    const usage = await bootstrap();
    expect(usage.exit?.code).toBe(64);
    expect(usage.output).toContain('--tenant is required');

    const service = new ServiceProcess('registration', await freePort(), settings).start();
    running.push(service);
    await service.waitFor('/health/ready', 200, 60_000);
    const probe = await new TopicProbe(env.kafkaBrokers, [topicName(Topics.registry, prefix)]).start();
    try {
      const current = await fetch(`${service.url}/v1/tenants/current`, {
        headers: { authorization: `Bearer ${printed.key}` },
      });
      expect(current.status).toBe(200);
      expect(await current.json()).toMatchObject({ id: tenant, name: 'Bootstrapped Ltd', status: 'active' });
      // The events the command committed go out through the running service's relay: the tenant and its key
      // (its hash: the key itself is in no event and no log line).
      await probe.waitFor((received) => received.some((m) => m.key === `${tenant}/tenant/${tenant}`));
      const keyOnTopic = `${tenant}/api-key/${printed.keyId}`;
      await probe.waitFor((received) => received.some((m) => m.key === keyOnTopic));
      const published = probe.received.find((m) => m.key === keyOnTopic);
      expect(JSON.parse(published?.value ?? '{}')).toMatchObject({
        type: 'api-key.upserted',
        data: { keyId: printed.keyId, role: 'admin', teamId: null, revokedAt: null },
      });
      const secret = printed.key.slice(21);
      expect(service.output).not.toContain(secret);
      expect(probe.received.map((m) => m.value ?? '').join('\n')).not.toContain(secret);
    } finally {
      await probe.stop();
    }
  });
});
