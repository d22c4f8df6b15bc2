import { createHash } from 'node:crypto';
import { Topics, topicName } from '@tessera/contracts';
import { STRICT_POLICY_RULES } from '@tessera/policy';
import { DataSource } from 'typeorm';
import { apkVector } from '../support/apk-vectors';
import { type CliResult, CliProcess } from '../support/cli-process';
import { freePort, ServiceProcess } from '../support/service-process';
import { type StateEvent, StateEvents } from '../support/state-events';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

/**
 * The acceptance test of issue 4. It is done when "an admin can, from the CLI on a fresh start, create a team and a
 * developer key, register an app from a real APK with an expiry, set a strict policy, revoke a device — and each of
 * these appears as an event on its topic".
 *
 * So: the built registration service on a schema and topic prefix of its own, its first admin key from its
 * bootstrap command, then nothing but the built `tessera` CLI as a process; and the events read back from Kafka.
 */

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `done_${suffix}`;
const prefix = `e2e-${suffix}.`;
const tenant = `done-${suffix}`;
const settings = {
  KAFKA_BROKERS: env.kafkaBrokers.join(','),
  KAFKA_TOPIC_PREFIX: prefix,
  DATABASE_URL: env.databaseUrl,
  DATABASE_SCHEMA: schema,
};
const topics = {
  registry: topicName(Topics.registry, prefix),
  policies: topicName(Topics.policies, prefix),
  revocations: topicName(Topics.revocations, prefix),
};

/** A real signed APK (v1, v2 and v3 with a rotated key) and what apksigner says about it. */
const apk = apkVector('v1v2v3-with-rsa-2048-lineage-3-signers.apk');
const lostDevice = '5f3c9a7e21b84d06';

type Json = Record<string, unknown>;

describe('issue 4 is done: from the CLI on a fresh start, each step an event on its topic', () => {
  /** The service's processes, stopped after the tests whatever happened (a child left running keeps Jest alive). */
  const processes: ServiceProcess[] = [];
  let service: ServiceProcess;
  let events: StateEvents | undefined;
  let cli: CliProcess;
  let adminKey: string;
  let adminKeyId: string;

  /** What the CLI made, by id, for the events to be checked against. */
  const made = {
    teamId: '',
    developerKey: {} as Json,
    appId: '',
    registration: {} as Json,
    policyId: '',
    revocationId: '',
  };

  beforeAll(async () => {
    const bootstrap = new ServiceProcess('registration', await freePort(), settings, [
      'bootstrap',
      '--tenant',
      tenant,
      '--name',
      'Acme Mobile',
    ]).start();
    processes.push(bootstrap);
    await bootstrap.waitForExit();
    expect(bootstrap.exit).toEqual({ code: 0, signal: null });
    ({ key: adminKey, keyId: adminKeyId } = JSON.parse(bootstrap.output.trim()) as { key: string; keyId: string });

    service = new ServiceProcess('registration', await freePort(), settings).start();
    processes.push(service);
    await service.waitFor('/health/ready', 200, 60_000);
    events = await StateEvents.start(env.kafkaBrokers, Object.values(topics));
    cli = new CliProcess();
  }, 120_000);

  afterAll(async () => {
    cli.remove();
    await Promise.all(processes.map((p) => p.stop()));
    await events?.stop();
    const admin = new DataSource({ type: 'postgres', url: env.databaseUrl });
    await admin.initialize();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.destroy();
  });

  /** The events read from the three topics since before the first command. */
  function received(): StateEvents {
    if (!events) throw new Error('the topics are not being read (see the failure of beforeAll)');
    return events;
  }

  /** `tessera <args>`, which must exit 0 (the matcher shows what it printed otherwise). */
  async function tessera(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
    const result: CliResult = await cli.run(args, options);
    expect({ args, ...result }).toMatchObject({ args, code: 0 });
    return result;
  }
  const tesseraJson = async (args: string[], options: { env?: Record<string, string> } = {}) =>
    JSON.parse((await tessera([...args, '--json'], options)).stdout) as Json;

  it('an admin logs in, makes a team and its developer key; the developer adds the app and a build from its APK; the admin sets a strict policy and revokes a device', async () => {
    // The admin logs in with the bootstrapped key, read from stdin.
    const login = await tessera(['login', '--endpoint', service.url, '--key-stdin'], { stdin: `${adminKey}\n` });
    expect(login.stdout).toMatch(new RegExp(`^tenant: +Acme Mobile \\(${tenant}\\)$`, 'm'));

    const team = await tesseraJson(['team', 'add', 'Mobile', '--description', 'the mobile apps']);
    made.teamId = team.id as string;
    const key = await tesseraJson(['key', 'add', 'mobile ci', '--role', 'developer', '--team', 'Mobile']);
    expect(key).toMatchObject({ role: 'developer', teamId: made.teamId });
    made.developerKey = key;

    // The developer, with its own key in the environment, adds the app and registers a build from the APK.
    const asDeveloper = { env: { TESSERA_API_KEY: key.key as string } };
    const app = await tesseraJson(
      ['app', 'add', 'Tiny', '--platform', 'android', '--package', apk.packageName],
      asDeveloper,
    );
    expect(app).toMatchObject({ teamId: made.teamId, packageName: apk.packageName, policyId: null });
    made.appId = app.id as string;
    made.registration = await tesseraJson(['registration', 'add', apk.path, '--expire-after', '600s'], asDeveloper);
    expect(made.registration).toMatchObject({ appId: made.appId, source: 'apk', status: 'active' });

    // The admin creates a strict policy, assigns it to the app, and revokes a lost device.
    const policy = await tesseraJson(['policy', 'add', 'strict', '--preset', 'strict']);
    made.policyId = policy.id as string;
    const assigned = await tessera(['app', 'set-policy', apk.packageName, 'strict']);
    expect(assigned.stdout).toMatch(new RegExp(`^policy: +${made.policyId}$`, 'm'));
    const revocation = await tesseraJson(['revoke', 'device', lostDevice, '--reason', 'lost']);
    made.revocationId = revocation.id as string;
  });

  it('team.upserted, app.upserted (created, then with its policy) and registration.upserted on the registry topic', async () => {
    const stream = received();
    const team = await stream.waitFor(`${tenant}/team/${made.teamId}`);
    expect(team).toMatchObject({ topic: topics.registry, envelope: { type: 'team.upserted', tenant } });
    expect(team.envelope?.data).toEqual({ teamId: made.teamId, name: 'Mobile', description: 'the mobile apps' });

    const appKey = `${tenant}/app/${made.appId}`;
    await stream.waitFor(appKey, (e) => e.envelope?.data.policyId === made.policyId, 'the app with its policy');
    const appEvents = stream.all().filter((e) => e.key === appKey);
    expect(appEvents.map((e) => [e.topic, e.envelope?.type, e.envelope?.data.policyId])).toEqual([
      [topics.registry, 'app.upserted', null],
      [topics.registry, 'app.upserted', made.policyId],
    ]);
    expect(appEvents[0]?.envelope?.data).toEqual({
      appId: made.appId,
      teamId: made.teamId,
      name: 'Tiny',
      identifiers: { platform: 'android', packageName: apk.packageName },
      policyId: null,
    });

    const registration = await stream.waitFor(`${tenant}/registration/${made.registration.id as string}`);
    expect(registration).toMatchObject({ topic: topics.registry, envelope: { type: 'registration.upserted', tenant } });
    const data = registration.envelope?.data as Json;
    expect(data).toMatchObject({
      appId: made.appId,
      teamId: made.teamId,
      source: 'apk',
      build: {
        platform: 'android',
        packageName: apk.packageName,
        versionCodes: { min: apk.versionCode, max: apk.versionCode },
        signingCertificateSha256: apk.signerCertSha256,
        lineageCertificateSha256: apk.lineageCertSha256,
        versionName: apk.versionName,
      },
    });
    expect(Date.parse(data.expiresAt as string) - Date.parse(data.createdAt as string)).toBe(600_000);
  });

  it('api-key.upserted of the bootstrapped admin key and of the developer key on the registry topic: hashes, never keys', async () => {
    const stream = received();
    const sha256 = (key: string) => createHash('sha256').update(key.slice(21)).digest('base64');
    const admin = await stream.waitFor(`${tenant}/api-key/${adminKeyId}`);
    expect(admin).toMatchObject({ topic: topics.registry, envelope: { type: 'api-key.upserted', tenant } });
    expect(admin.envelope?.data).toMatchObject({
      keyId: adminKeyId,
      role: 'admin',
      teamId: null,
      secretHash: sha256(adminKey),
      expiresAt: null,
      revokedAt: null,
    });
    const developerKey = made.developerKey.key as string;
    const developer = await stream.waitFor(`${tenant}/api-key/${made.developerKey.id as string}`);
    expect(developer.envelope?.data).toEqual({
      keyId: made.developerKey.id,
      role: 'developer',
      teamId: made.teamId,
      secretHash: sha256(developerKey),
      createdAt: made.developerKey.createdAt,
      expiresAt: null,
      revokedAt: null,
    });
    const everything = JSON.stringify(stream.all());
    for (const key of [adminKey, developerKey]) expect(everything).not.toContain(key.slice(21));
  });

  it('policy.upserted with the strict preset’s rules on the policies topic', async () => {
    const policy = await received().waitFor(`${tenant}/policy/${made.policyId}`);
    expect(policy).toMatchObject({ topic: topics.policies, envelope: { type: 'policy.upserted', tenant } });
    expect(policy.envelope?.data).toEqual({ policyId: made.policyId, name: 'strict', rules: STRICT_POLICY_RULES });
  });

  it('revocation.upserted of the device, with its reason, on the revocations topic', async () => {
    const revocation: StateEvent = await received().waitFor(`${tenant}/revocation/${made.revocationId}`);
    expect(revocation).toMatchObject({ topic: topics.revocations, envelope: { type: 'revocation.upserted', tenant } });
    expect(revocation.envelope?.data).toMatchObject({
      revocationId: made.revocationId,
      subject: { kind: 'device', value: lostDevice },
      reason: 'lost',
      expiresAt: null,
    });
  });
});
