import type { AppMeasurement } from '@tessera/contracts';
import { MemoryInstallationKeyStore, SimulatedDevice, type SimulatedDeviceProfile, TesseraClient } from '@tessera/sdk';
import { eventually } from '../support/eventually';
import { freePort, ServiceProcess } from '../support/service-process';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

/**
 * The acceptance test of issue 7: "the SDK core, pointed at a running Tessera, turns a genuine simulated device into
 * a valid token and every kind of fake into an invalid one".
 *
 * So: the built registration, token, integrity and verifier services, each as its own process on a schema and topic
 * prefix of their own; a tenant bootstrapped and an app with its build registered through the admin API; then the
 * SDK core (`libs/sdk`) with a simulated device of each profile, and the verifier as the judge of each token.
 */

const env = testEnvironment();
const suffix = uniqueSuffix();
const prefix = `e2e-att-${suffix}.`;
const tenant = `att-${suffix}`;
const CERTIFICATE = 'c3'.repeat(32);

type Json = Record<string, unknown>;

const settings = (service: string) => ({
  KAFKA_BROKERS: env.kafkaBrokers.join(','),
  KAFKA_TOPIC_PREFIX: prefix,
  ...(service === 'verifier' ? {} : { DATABASE_URL: env.databaseUrl, DATABASE_SCHEMA: `e2e_att_${service}_${suffix}` }),
  ...(service === 'token' ? { TOKEN_ISSUER: 'https://tessera.e2e' } : {}),
  LOG_LEVEL: 'warn',
});

describe('issue 7 is done: the SDK core against a running Tessera, genuine and fake devices', () => {
  const processes: ServiceProcess[] = [];
  let integrityUrl: string;
  let verifierUrl: string;
  let appId: string;
  const genuine: AppMeasurement = {
    platform: 'android',
    packageName: 'com.example.e2e',
    signingCertificateSha256: [CERTIFICATE],
    versionCode: 12,
  };

  const start = async (service: 'registration' | 'token' | 'integrity' | 'verifier', args: string[] = []) => {
    const instance = new ServiceProcess(service, await freePort(), settings(service), args).start();
    processes.push(instance);
    return instance;
  };

  beforeAll(async () => {
    const bootstrap = await start('registration', ['bootstrap', '--tenant', tenant]);
    await bootstrap.waitForExit();
    expect(bootstrap.exit).toEqual({ code: 0, signal: null });
    const { key } = JSON.parse(bootstrap.output.trim()) as { key: string };
    const [registration, token, integrity, verifier] = await Promise.all([
      start('registration'),
      start('token'),
      start('integrity'),
      start('verifier'),
    ]);
    await Promise.all(
      [registration, token, integrity, verifier].map((service) => service.waitFor('/health/ready', 200, 90_000)),
    );
    integrityUrl = integrity.url;
    verifierUrl = verifier.url;

    const admin = async (path: string, body: Json): Promise<Json> => {
      const response = await fetch(`${registration.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as Json;
      if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(answer)}`);
      return answer;
    };
    const team = await admin('/v1/teams', { name: 'Mobile' });
    appId = (
      await admin('/v1/apps', { name: 'E2E', teamId: team.id, platform: 'android', packageName: genuine.packageName })
    ).id as string;
    await admin('/v1/registrations', {
      appId,
      signingCertificateSha256: [CERTIFICATE],
      versionCodes: { min: 10, max: 20 },
    });
    // Until the integrity service's view has the app and the token service the tenant's keys, attestation cannot pass.
    await eventually(async () => (await verdictOf('genuine')) === 'accept', 'a genuine device to be accepted', 30_000);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
  });

  /** What the verifier decides on the token the SDK got for a simulated device of `profile`. */
  async function verdictOf(profile: SimulatedDeviceProfile): Promise<string> {
    const device = SimulatedDevice.profile(profile, genuine);
    const sdk = new TesseraClient({
      baseUrl: integrityUrl,
      tenant,
      appId,
      measurement: device.measurement,
      deviceSignals: device.deviceSignals,
      keyStore: new MemoryInstallationKeyStore(),
    });
    const { token } = await sdk.token();
    const response = await fetch(`${verifierUrl}/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    const decision = (await response.json()) as { decision: string; reason?: string };
    return decision.decision === 'accept' ? 'accept' : `refuse: ${decision.reason ?? '?'}`;
  }

  it('gives a genuine device a token the verifier accepts', async () => {
    await expect(verdictOf('genuine')).resolves.toBe('accept');
  });

  it.each(['repackaged', 'rooted', 'hooked', 'emulator'] as const)(
    'gives the %s profile a token, which the verifier refuses as a failure token',
    async (profile) => {
      await expect(verdictOf(profile)).resolves.toBe('refuse: failure-token');
    },
  );

  it('lets a device behind a proxy through under the default policy, which only monitors proxies', async () => {
    await expect(verdictOf('proxy')).resolves.toBe('accept');
  });
});
