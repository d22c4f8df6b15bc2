import { ALL_TOPICS, AppUpsertedV1, RegistrationUpsertedV1, TenantUpsertedV1 } from '@tessera/contracts';
import { appEvent, registrationEvent } from '../../libs/registry-view/src/testing/registry-events';
import { MemoryInstallationKeyStore, SimulatedDevice, TesseraClient, TesseraError } from '@tessera/sdk';
import { eventually } from '../support/eventually';
import { IntegrityApp } from '../support/integrity-app';
import { provisionTopics, testKafka } from '../support/messaging-fixture';
import { publishEvent } from '../support/publish-event';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();

/**
 * An integrity service whose registry holds a tenant, an app and its build (published as the registration service's
 * relay would), with no token service on its topics and tight limits: what it answers when it cannot get a token,
 * and when a client asks too often.
 */
describe('the integrity service without a token service, and its rate limits (real Kafka and Postgres)', () => {
  const suffix = uniqueSuffix();
  const prefix = `il${suffix}.`;
  const tenant = `lim-${suffix}`;
  const app = appEvent();
  const build = registrationEvent(app.appId);
  let integrity: IntegrityApp;

  beforeAll(async () => {
    await provisionTopics(testKafka(env.kafkaBrokers), prefix, ALL_TOPICS);
    await publishEvent(env.kafkaBrokers, prefix, TenantUpsertedV1, tenant, {
      tenantId: tenant,
      name: 'Limits',
      status: 'active',
    });
    await publishEvent(env.kafkaBrokers, prefix, AppUpsertedV1, tenant, app);
    await publishEvent(env.kafkaBrokers, prefix, RegistrationUpsertedV1, tenant, build);
    integrity = await IntegrityApp.start(env, `ilim_${suffix}`, prefix, {
      INTEGRITY_TOKEN_TIMEOUT_MS: '300',
      INTEGRITY_RATE_LIMIT_PER_IP: '8',
    });
  });

  afterAll(async () => {
    await integrity.stop();
  });

  it('answers 503 token-service-timeout within its deadline when no token comes, and still audits the verdict', async () => {
    const device = SimulatedDevice.profile('genuine', {
      platform: 'android',
      packageName: 'com.example.payments',
      signingCertificateSha256: ['a'.repeat(64)],
      versionCode: 3,
    });
    const client = new TesseraClient({
      baseUrl: integrity.url,
      tenant,
      appId: app.appId,
      measurement: device.measurement,
      deviceSignals: device.deviceSignals,
      keyStore: new MemoryInstallationKeyStore(),
    });
    const started = Date.now();
    const failure = await client.token().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TesseraError);
    expect(failure).toMatchObject({ status: 503, reason: 'token-service-timeout' });
    // Bounded by the 300 ms deadline, not hung: generous headroom for a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    const rows = await integrity.dataSource.query<{ payload: { data: Record<string, unknown> } }[]>(
      `SELECT payload FROM "${integrity.schema}".outbox_event ORDER BY seq DESC LIMIT 1`,
    );
    expect(rows[0]?.payload.data).toMatchObject({
      appId: app.appId,
      verdict: 'pass',
      registrationId: build.registrationId,
      jti: null,
    });
  });

  it('answers 429 rate-limited with Retry-After once a client IP asked too often', async () => {
    const ask = () => integrity.post('/v1/challenge', { tenant, appId: app.appId });
    let answer = await ask();
    for (let i = 0; i < 20 && answer.status !== 429; i++) answer = await ask();
    expect(answer).toMatchObject({ status: 429, body: { reason: 'rate-limited' } });
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const attest = await integrity.post('/v1/attest', { evidence: 'x.y.z' });
    // The attest endpoint counts apart: this one is refused for its evidence, not for the address.
    expect(attest).toMatchObject({ status: 400, body: { reason: 'malformed-evidence' } });
  });

  it('says which challenges it refused in its metrics', async () => {
    await eventually(async () => {
      const metrics = await (await fetch(`${integrity.url}/metrics`)).text();
      return (
        /tessera_integrity_refused_total\{endpoint="challenge",reason="rate-limited"[^}]*\} [1-9]/.test(metrics) &&
        /tessera_integrity_refused_total\{endpoint="attest",reason="token-service-timeout"[^}]*\} 1/.test(metrics)
      );
    }, 'the refusals in /metrics');
  });
});
