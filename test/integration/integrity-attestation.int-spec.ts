import { randomUUID } from 'node:crypto';
import type { AppMeasurement, SdkEvidencePayload } from '@tessera/contracts';
import { signSdkEvidence } from '@tessera/evidence';
import { MemoryInstallationKeyStore, SimulatedDevice, type SimulatedDeviceProfile, TesseraClient } from '@tessera/sdk';
import { exportJWK, generateKeyPair } from 'jose';
import { eventually } from '../support/eventually';
import { IntegrityApp } from '../support/integrity-app';
import { RegistrationApp } from '../support/registration-app';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';
import { TokenApp } from '../support/token-app';
import { VerifierApp } from '../support/verifier-app';

const env = testEnvironment();
const GENUINE_CERT = 'a1'.repeat(32);
const PACKAGE = 'com.example.bank';

/** The attestation events the integrity service wrote (its outbox), newest first. */
interface RecordedAttestation {
  verdict: string;
  reasons: string[];
  monitored: string[];
  registrationId: string | null;
  installationKeyThumbprint: string | null;
  jti: string | null;
  clientIp: string | null;
}

describe('the integrity service: challenge, SDK evidence, verdict, token (real Kafka and Postgres)', () => {
  const suffix = uniqueSuffix();
  const prefix = `ia${suffix}.`;
  let registration: RegistrationApp;
  let token: TokenApp;
  let integrity: IntegrityApp;
  let verifier: VerifierApp;
  let admin: string;
  let teamId: string;
  let appId: string;
  let registrationId: string;

  const genuine: AppMeasurement = {
    platform: 'android',
    packageName: PACKAGE,
    signingCertificateSha256: [GENUINE_CERT],
    versionCode: 42,
  };

  const client = (
    profile: SimulatedDeviceProfile,
    options: { appId?: string; measurement?: AppMeasurement; keyStore?: MemoryInstallationKeyStore } = {},
  ) => {
    const device = SimulatedDevice.profile(profile, options.measurement ?? genuine);
    return new TesseraClient({
      baseUrl: integrity.url,
      tenant: 'acme',
      appId: options.appId ?? appId,
      measurement: device.measurement,
      deviceSignals: device.deviceSignals,
      keyStore: options.keyStore ?? new MemoryInstallationKeyStore(),
    });
  };

  const recorded = async (): Promise<RecordedAttestation[]> => {
    const rows = await integrity.dataSource.query<{ payload: { data: RecordedAttestation } }[]>(
      `SELECT payload FROM "${integrity.schema}".outbox_event WHERE topic LIKE '%attestations%' ORDER BY seq DESC`,
    );
    return rows.map((row) => row.payload.data);
  };

  /**
   * Attests once more and answers the token with the verdict the integrity service recorded for it. Waits on a
   * verdict check this, not the verifier's decision: a failure token is refused whatever its reason (an app or
   * registration the view does not hold yet), and the verifier's own revocation index can refuse a pass token.
   */
  const attestRecorded = async (attest: () => Promise<{ token: string }>) => {
    const { token } = await attest();
    const [event] = await recorded();
    return { token, reasons: event?.reasons ?? [] };
  };

  const createApp = async (packageName: string): Promise<string> => {
    const created = await registration.call('POST', '/v1/apps', {
      key: admin,
      body: { name: packageName, teamId, platform: 'android', packageName },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  const register = async (forApp: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const created = await registration.call('POST', '/v1/registrations', {
      key: admin,
      body: { appId: forApp, signingCertificateSha256: [GENUINE_CERT], versionCodes: { min: 1, max: 100 }, ...extra },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  /** What the integrity service's view must hold before the next attestation can count on it. */
  const challengeAccepted = (forApp: string) =>
    eventually(
      async () => (await integrity.post('/v1/challenge', { tenant: 'acme', appId: forApp })).status === 201,
      'the integrity service to know the app',
      10_000,
    );

  /** Evidence built by hand, for what the SDK never sends (a replay, a forgery). */
  const evidenceFor = async (nonce: string, forApp = appId) => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const payload: SdkEvidencePayload = {
      tenant: 'acme',
      appId: forApp,
      nonce,
      iat: Math.floor(Date.now() / 1000),
      app: genuine,
      device: { signals: SimulatedDevice.profile('genuine', genuine).report.signals, sdkVersion: '1.0.0' },
    };
    return { payload, jws: await signSdkEvidence(payload, { privateKey, publicJwk }) };
  };

  const nonce = async (forApp = appId): Promise<string> => {
    const challenge = await integrity.post('/v1/challenge', { tenant: 'acme', appId: forApp });
    expect(challenge.status).toBe(201);
    return challenge.body.nonce as string;
  };

  beforeAll(async () => {
    registration = await RegistrationApp.start(env, `ireg_${suffix}`, prefix);
    token = await TokenApp.start(env, `itok_${suffix}`, prefix);
    admin = (await registration.bootstrap('acme')).key;
    teamId = (await registration.teamWithDeveloper(admin, 'Mobile')).teamId;
    appId = await createApp(PACKAGE);
    registrationId = await register(appId);
    await eventually(async () => (await token.keys.list('acme')).length === 2, 'the tenant keys');
    integrity = await IntegrityApp.start(env, `iint_${suffix}`, prefix);
    verifier = await VerifierApp.start(env, prefix, { VERIFIER_NODE_ID: `integrity-test-${suffix}` });
    await challengeAccepted(appId);
  });

  afterAll(async () => {
    await verifier.stop();
    await integrity.stop();
    await token.stop();
    await registration.stop();
  });

  it('turns a genuine build on a genuine device into a token the verifier accepts, and audits it', async () => {
    const sdk = client('genuine');
    const issued = await sdk.token();
    const decision = await verifier.verify(issued.token);
    expect(decision).toMatchObject({
      decision: 'accept',
      claims: { sub: appId, reg: registrationId, ipk: await sdk.installationId() },
    });
    const [event] = await recorded();
    expect(event).toMatchObject({
      verdict: 'pass',
      reasons: [],
      registrationId,
      installationKeyThumbprint: await sdk.installationId(),
    });
    expect(event?.clientIp).toMatch(/127\.0\.0\.1/);
    expect(event?.jti).toBe(decision.claims?.jti);
  });

  it.each([
    ['a repackaged build (another signing certificate)', 'repackaged', ['unregistered-build']],
    ['a rooted device', 'rooted', ['rooted-or-jailbroken']],
    ['a hooked app', 'hooked', ['hooking-framework']],
    ['an emulator', 'emulator', ['emulator']],
  ] as const)('gives %s a token the verifier refuses', async (_what, profile, reasons) => {
    const issued = await client(profile).token();
    await expect(verifier.verify(issued.token)).resolves.toMatchObject({ decision: 'refuse', reason: 'failure-token' });
    // The default policy does not reveal reasons to the app; the audit trail has them.
    expect(issued.reasons).toBeUndefined();
    expect((await recorded())[0]).toMatchObject({ verdict: 'fail', reasons });
  });

  it('passes a device behind a proxy under the default policy (monitored), fails it once a strict policy is assigned', async () => {
    const proxied = client('proxy');
    await expect(verifier.verify((await proxied.token()).token)).resolves.toMatchObject({ decision: 'accept' });
    expect((await recorded())[0]).toMatchObject({ verdict: 'pass', monitored: ['proxy', 'user-installed-ca'] });

    const policy = await registration.call('POST', '/v1/policies', {
      key: admin,
      body: {
        name: `strict-${suffix}`,
        preset: 'strict',
        // Key Attestation and Play Integrity are not verified yet: required, no device could pass.
        rules: {
          evidence: { androidKeyAttestation: 'optional', playIntegrity: 'optional' },
          revealRejectionReasons: true,
        },
      },
    });
    expect(policy.status).toBe(201);
    const assigned = await registration.call('PUT', `/v1/apps/${appId}/policy`, {
      key: admin,
      body: { policyId: policy.body.id },
    });
    expect(assigned.status).toBe(200);
    const changed = Date.now();
    await eventually(
      async () => (await client('proxy').token()).reasons?.includes('proxy') === true,
      'the strict policy to fail a proxied device',
      5000,
    );
    process.stdout.write(
      `policy change applied to attestations ${Date.now() - changed} ms after the admin API answered\n`,
    );
    expect((await recorded())[0]).toMatchObject({ verdict: 'fail', reasons: ['proxy', 'user-installed-ca'] });
    // A genuine device still passes under it.
    await expect(verifier.verify((await client('genuine').token()).token)).resolves.toMatchObject({
      decision: 'accept',
    });
    const reset = await registration.call('PUT', `/v1/apps/${appId}/policy`, { key: admin, body: { policyId: null } });
    expect(reset.status).toBe(200);
  });

  it('refuses a device revoked through the admin API at its next attestation', async () => {
    const keyStore = new MemoryInstallationKeyStore();
    const sdk = client('genuine', { keyStore });
    await expect(verifier.verify((await sdk.token()).token)).resolves.toMatchObject({ decision: 'accept' });
    const revoked = await registration.call('POST', '/v1/revocations', {
      key: admin,
      body: { subject: { kind: 'device', value: await sdk.installationId() }, reason: 'stolen' },
    });
    expect(revoked.status).toBe(201);
    const answered = Date.now();
    let lastToken = '';
    await eventually(
      async () => {
        // A new client on the same key store: the same installation, attesting again (not its cached token).
        const attested = await attestRecorded(() => client('genuine', { keyStore }).token());
        lastToken = attested.token;
        return attested.reasons.includes('device-revoked');
      },
      'the revoked device to get a failure token',
      5000,
    );
    process.stdout.write(
      `device revocation applied to attestations ${Date.now() - answered} ms after the admin API answered\n`,
    );
    expect((await recorded())[0]).toMatchObject({ verdict: 'fail', reasons: ['device-revoked'] });
    await expect(verifier.verify(lastToken)).resolves.toMatchObject({ decision: 'refuse' });
  });

  it("applies device overrides made through the admin API: a tester's rooted phone passes, a blocked phone fails", async () => {
    const testerStore = new MemoryInstallationKeyStore();
    const tester = client('rooted', { keyStore: testerStore });
    const blockedStore = new MemoryInstallationKeyStore();
    const blocked = client('genuine', { keyStore: blockedStore });
    for (const [sdk, verdict] of [
      [tester, 'pass'],
      [blocked, 'fail'],
    ] as const) {
      const override = await registration.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: await sdk.installationId(), appId, verdict, reason: `integrity test ${verdict}` },
      });
      expect(override.status).toBe(201);
    }
    await eventually(
      async () =>
        (await verifier.verify((await client('rooted', { keyStore: testerStore }).token()).token)).decision ===
        'accept',
      "the tester's override to waive the rooted signal",
      5000,
    );
    let blockedToken = '';
    await eventually(
      async () => {
        const attested = await attestRecorded(() => client('genuine', { keyStore: blockedStore }).token());
        blockedToken = attested.token;
        return attested.reasons.includes('device-override');
      },
      'the blocking override to fail a genuine device',
      5000,
    );
    expect((await recorded())[0]).toMatchObject({ verdict: 'fail', reasons: ['device-override'] });
    await expect(verifier.verify(blockedToken)).resolves.toMatchObject({ decision: 'refuse' });
  });

  it('fails a build whose registration expired', async () => {
    const shortLived = await createApp('com.example.shortlived');
    await register(shortLived, { expiresAt: new Date(Date.now() + 1500).toISOString() });
    await challengeAccepted(shortLived);
    const measurement = { ...genuine, packageName: 'com.example.shortlived' };
    let expiredToken = '';
    // Until the registration reaches the view the build is unregistered; once it has expired, expired.
    await eventually(
      async () => {
        const attested = await attestRecorded(() => client('genuine', { appId: shortLived, measurement }).token());
        expiredToken = attested.token;
        return attested.reasons.includes('registration-expired');
      },
      'the expired registration to fail',
      10_000,
    );
    expect((await recorded())[0]).toMatchObject({ verdict: 'fail', reasons: ['registration-expired'] });
    await expect(verifier.verify(expiredToken)).resolves.toMatchObject({ decision: 'refuse' });
  });

  it('answers a replayed nonce with a failure token', async () => {
    const { jws } = await evidenceFor(await nonce());
    const first = await integrity.post('/v1/attest', { evidence: jws });
    expect(first.status).toBe(200);
    await expect(verifier.verify(first.body.token as string)).resolves.toMatchObject({ decision: 'accept' });
    const replayed = await integrity.post('/v1/attest', { evidence: jws });
    expect(replayed.status).toBe(200);
    await expect(verifier.verify(replayed.body.token as string)).resolves.toMatchObject({ reason: 'failure-token' });
    expect((await recorded())[0]).toMatchObject({ verdict: 'fail', reasons: ['used-nonce'] });
  });

  it('lets exactly one of two concurrent attestations with one nonce win', async () => {
    const { jws } = await evidenceFor(await nonce());
    const answers = await Promise.all([
      integrity.post('/v1/attest', { evidence: jws }),
      integrity.post('/v1/attest', { evidence: jws }),
    ]);
    const decisions = await Promise.all(answers.map((answer) => verifier.verify(answer.body.token as string)));
    expect(decisions.map((d) => d.decision).sort()).toEqual(['accept', 'refuse']);
  });

  it('answers forged evidence (a payload changed after signing) with a failure token, and burns its nonce', async () => {
    const { jws, payload } = await evidenceFor(await nonce());
    const [header, , signature] = jws.split('.');
    const altered = Buffer.from(JSON.stringify({ ...payload, app: { ...genuine, versionCode: 43 } }), 'utf8').toString(
      'base64url',
    );
    const forged = await integrity.post('/v1/attest', { evidence: `${header}.${altered}.${signature}` });
    expect(forged.status).toBe(200);
    await expect(verifier.verify(forged.body.token as string)).resolves.toMatchObject({ reason: 'failure-token' });
    expect((await recorded())[0]).toMatchObject({
      verdict: 'fail',
      reasons: ['bad-signature'],
      installationKeyThumbprint: null,
    });
    // The genuine evidence for that nonce comes too late: the forgery spent it.
    const late = await integrity.post('/v1/attest', { evidence: jws });
    await expect(verifier.verify(late.body.token as string)).resolves.toMatchObject({ reason: 'failure-token' });
  });

  it('answers a nonce issued to another app with a failure token', async () => {
    const other = await createApp('com.example.other');
    await challengeAccepted(other);
    const { jws } = await evidenceFor(await nonce(other), appId);
    const answer = await integrity.post('/v1/attest', { evidence: jws });
    await expect(verifier.verify(answer.body.token as string)).resolves.toMatchObject({ reason: 'failure-token' });
    expect((await recorded())[0]).toMatchObject({ verdict: 'fail', reasons: ['nonce-for-another-app'] });
  });

  describe('bad input', () => {
    it.each([
      ['a body that is not JSON', '/v1/challenge', { rawBody: '{"tenant":' }, 400],
      ['a challenge without an app', '/v1/challenge', { body: { tenant: 'acme' } }, 400],
      [
        'a challenge with an unknown member',
        '/v1/challenge',
        { body: { tenant: 'acme', appId: randomUUID(), x: 1 } },
        400,
      ],
      [
        'a challenge for an app nobody registered',
        '/v1/challenge',
        { body: { tenant: 'acme', appId: randomUUID() } },
        404,
      ],
      ['evidence that is not a JWS', '/v1/attest', { body: { evidence: 'not-a-jws' } }, 400],
      ['evidence of the wrong type', '/v1/attest', { body: { evidence: 42 } }, 400],
      ['evidence over 16 KiB', '/v1/attest', { body: { evidence: 'x'.repeat(16_385) } }, 400],
      ['a body over the limit', '/v1/attest', { rawBody: JSON.stringify({ evidence: 'x'.repeat(40_000) }) }, 413],
    ] as const)('refuses %s with %s... and a reason', async (_what, path, request, status) => {
      const before = (await recorded()).length;
      const answer = await integrity.post(path, 'body' in request ? request.body : undefined, {
        ...('rawBody' in request ? { rawBody: request.rawBody } : {}),
      });
      expect(answer.status).toBe(status);
      expect(typeof answer.body.message).toBe('string');
      expect((await recorded()).length).toBe(before);
    });

    it('refuses evidence for an app it does not know with 404 unknown-app', async () => {
      const { jws } = await evidenceFor('q'.repeat(43), randomUUID());
      const answer = await integrity.post('/v1/attest', { evidence: jws });
      expect(answer).toMatchObject({ status: 404, body: { reason: 'unknown-app' } });
    });
  });
});
