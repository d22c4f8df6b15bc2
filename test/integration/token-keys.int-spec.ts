import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { type JwksEntry } from '@tessera/tokens';
import { signingKeySecretAad, type TokenIssuanceV1, type RequestData, SealedValueSchema } from '@tessera/contracts';
import { createVerifier } from 'fast-jwt';
import jsonwebtoken from 'jsonwebtoken';
import { eventually } from '../support/eventually';
import { StateEvents } from '../support/state-events';
import { testKeyring } from '../support/test-kek';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';
import { TokenApp } from '../support/token-app';
import { FailureKeyRing } from '../../apps/token/src/keys/failure-key-ring';
import { KeyScheduleWorker } from '../../apps/token/src/keys/key-schedule.worker';

const env = testEnvironment();
const tenant = 'acme';
const issuer = 'https://tessera.test/tenants/acme';
const audience = 'tessera:acme';
const actor = { tenantId: tenant, keyId: null };

const genuine = (): RequestData<typeof TokenIssuanceV1> => ({
  tenant,
  appId: randomUUID(),
  verdict: 'pass',
  registrationId: randomUUID(),
  installationKeyThumbprint: randomBytes(32).toString('base64url'),
  lifetimeSeconds: 300,
});

/** A second, independent JWT implementation (fast-jwt) checking a token with the published JWKS and nothing else. */
async function verifyWithJwksOnly(app: TokenApp, token: string, alg: 'ES256' | 'EdDSA' = 'ES256') {
  const jwks = (await app.get(`/tenants/${tenant}/.well-known/jwks.json`)).body as { keys: JwksEntry[] };
  const verify = createVerifier({
    algorithms: [alg],
    allowedIss: issuer,
    allowedAud: audience,
    requiredClaims: ['iss', 'aud', 'sub', 'exp', 'jti'],
    key: (decoded: { header: { kid?: string } }) => {
      const jwk = jwks.keys.find((key) => key.kid === decoded.header.kid);
      if (!jwk) return Promise.reject(new Error('no such kid in the JWKS'));
      return Promise.resolve(
        createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString(),
      );
    },
  });
  return (await verify(token)) as Record<string, unknown>;
}

describe('token service: keys, JWKS and issuance (real Kafka and Postgres)', () => {
  const suffix = uniqueSuffix();
  const schema = `token_${suffix}`;
  const prefix = `t${suffix}.`;
  let app: TokenApp;
  let events: StateEvents;

  beforeAll(async () => {
    app = await TokenApp.start(env, schema, prefix);
    // After the service provisioned the topics; the probe reads from the beginning, so it misses nothing.
    events = await StateEvents.start(env.kafkaBrokers, [`${prefix}tessera.keys.v1`]);
  });

  afterAll(async () => {
    await app.stop();
    await events.stop();
  });

  it('gives a tenant met for the first time an active ES256 key and a next one, both in its JWKS, cached per the lead', async () => {
    const { token, kid, lifetimeSeconds } = await app.issuance.issue(genuine());
    expect(lifetimeSeconds).toBe(300);
    const jwks = await app.get(`/tenants/${tenant}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    expect(jwks.headers.get('content-type')).toContain('application/jwk-set+json');
    const keys = (jwks.body as { keys: JwksEntry[] }).keys;
    expect(keys).toHaveLength(2);
    expect(keys.map((key) => key.kid)).toContain(kid);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
    const all = (await app.get('/.well-known/jwks.json')).body as { keys: JwksEntry[] };
    expect(all.keys.map((key) => key.kid).sort()).toEqual(keys.map((key) => key.kid).sort());
    expect(token.split('.')).toHaveLength(3);
  });

  it('issues tokens that an independent JWT library verifies with the JWKS alone', async () => {
    const request = genuine();
    const { token } = await app.issuance.issue({ ...request, payloadBinding: randomBytes(32).toString('base64url') });
    const claims = await verifyWithJwksOnly(app, token);
    expect(claims).toMatchObject({
      iss: issuer,
      aud: audience,
      sub: request.appId,
      reg: request.registrationId,
      ipk: request.installationKeyThumbprint,
      did: request.installationKeyThumbprint,
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
    await expect(app.inspector.inspect(tenant, token)).resolves.toMatchObject({ valid: true, keyState: 'active' });
  });

  it('issues failure tokens that look alike and that nothing accepts; inspection names them', async () => {
    const valid = await app.issuance.issue(genuine());
    const failure = await app.issuance.issue({ tenant, appId: randomUUID(), verdict: 'fail', lifetimeSeconds: 300 });
    expect(failure.kid).toBe(valid.kid);
    expect(failure.token.length).toBe(valid.token.length);
    expect(failure.token.split('.')[0]).toBe(valid.token.split('.')[0]);
    await expect(verifyWithJwksOnly(app, failure.token)).rejects.toThrow();
    await expect(app.inspector.inspect(tenant, failure.token)).resolves.toMatchObject({
      valid: false,
      reason: 'failure-token',
    });
  });

  it('caps a lifetime at the longest one granted', async () => {
    const capped = await TokenApp.start(env, `${schema}_cap`, prefix, { TOKEN_MAX_LIFETIME_SECONDS: '120' });
    try {
      const { lifetimeSeconds, expiresAt } = await capped.issuance.issue({ ...genuine(), lifetimeSeconds: 3600 });
      expect(lifetimeSeconds).toBe(120);
      expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(120_000);
    } finally {
      await capped.stop();
    }
  });

  it('publishes each key on the keys topic with its public JWK only, and the failure key as never trusted', async () => {
    const [active] = (await app.keys.list(tenant)).filter((key) => key.state === 'active');
    const event = await events.waitFor(`${tenant}/key/${active!.kid}`);
    expect(event.envelope).toMatchObject({
      type: 'signing-key.upserted',
      data: { kid: active!.kid, alg: 'ES256', state: 'active', issuer, publicJwk: active!.publicJwk },
    });
    expect(JSON.stringify(event.envelope)).not.toMatch(/"d"|sealed|private/i);
    const failureKeys = () => events.all().filter((e) => e.envelope?.type === 'failure-key.upserted');
    // Made when each instance started (this test's, and the capped one's), one per algorithm with a public part.
    const algorithms = () => new Set(failureKeys().map((e) => e.envelope?.data.alg));
    await eventually(() => algorithms().size === 2, 'the ES256 and EdDSA failure keys');
    expect([...algorithms()].sort()).toEqual(['ES256', 'EdDSA']);
    for (const key of failureKeys()) expect(key.envelope).toMatchObject({ tenant: 'system' });
  }, 30_000);

  it('forgets failure keys once every token they signed has expired, and keeps the key-age gauges', async () => {
    await app.issuance.issue({ tenant, appId: randomUUID(), verdict: 'fail', lifetimeSeconds: 300 });
    const failureKey = () => events.all().find((e) => e.envelope?.type === 'failure-key.upserted');
    await eventually(() => failureKey() !== undefined, 'a failure-key.upserted event');
    // The failure key's rotation (1 h), its publish lead (10 s: it may sign that much longer when its successor is
    // late), the longest lifetime (1 d) and the skew (60 s) later, it is forgotten.
    const later = new Date(Date.now() + (3600 + 10 + 86_400 + 61) * 1000);
    expect(await app.app.get(FailureKeyRing).forgetExpired(later)).toBeGreaterThanOrEqual(1);
    await events.waitForTombstone(failureKey()!.key!);
    // A schedule pass now (not later: the other tests' keys must stay as they are) refreshes the gauges.
    await app.app.get(KeyScheduleWorker).runOnce(new Date());
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/tessera_signing_key_age_seconds\{[^}]*tenant="acme"[^}]*state="active"[^}]*\} \d/);
    expect(metrics).not.toMatch(/tessera_signing_key_schedule_failures_total\{[^}]*\} [1-9]/);
  });

  it('follows the rotation timeline: old tokens verify until their key retires, new ones use the new key', async () => {
    const before = await app.issuance.issue(genuine());
    const day = new Date(Date.now() + 24 * 3600 * 1000 + 1000);
    await app.keys.applySchedule(tenant, day);
    const after = await app.issuance.issue(genuine());
    expect(after.kid).not.toBe(before.kid);
    await verifyWithJwksOnly(app, before.token);
    await verifyWithJwksOnly(app, after.token);
    const states = Object.fromEntries((await app.keys.list(tenant)).map((key) => [key.kid, key.state]));
    expect(states[before.kid]).toBe('retiring');
    expect(states[after.kid]).toBe('active');
    // A day (the longest lifetime) plus the skew after it stopped signing, the old key leaves the JWKS.
    await app.keys.applySchedule(tenant, new Date(day.getTime() + (86_400 + 61) * 1000));
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the JWKS snapshot's second
    const later = (await app.get(`/tenants/${tenant}/.well-known/jwks.json`)).body as { keys: JwksEntry[] };
    expect(later.keys.map((key) => key.kid)).not.toContain(before.kid);
    // By then the key after it has had its own day and retires in turn, still published.
    expect(later.keys.map((key) => key.kid)).toContain(after.kid);
    await events.waitForTombstone(`${tenant}/key/${before.kid}`);
  });

  it('refuses a revoked key at once: inspection says revoked-key, the JWKS drops it, the event says revoked', async () => {
    const issued = await app.issuance.issue(genuine());
    await app.keys.revoke(actor, issued.kid, 'leaked in a log');
    await expect(app.inspector.inspect(tenant, issued.token)).resolves.toMatchObject({
      valid: false,
      reason: 'revoked-key',
    });
    const next = await app.issuance.issue(genuine());
    expect(next.kid).not.toBe(issued.kid);
    await verifyWithJwksOnly(app, next.token);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const jwks = (await app.get(`/tenants/${tenant}/.well-known/jwks.json`)).body as { keys: JwksEntry[] };
    expect(jwks.keys.map((key) => key.kid)).not.toContain(issued.kid);
    const event = await events.waitFor(`${tenant}/key/${issued.kid}`, (e) => e.envelope?.data.state === 'revoked');
    expect(event.envelope?.data).toMatchObject({ revocationReason: 'leaked in a log' });
  });

  it('keeps its keys across a restart: the same kids sign and verify, nothing is regenerated', async () => {
    const issued = await app.issuance.issue(genuine());
    const kidsBefore = (await app.keys.list(tenant)).map((key) => key.kid);
    await app.stop(false);
    app = await TokenApp.start(env, schema, prefix);
    expect((await app.keys.list(tenant)).map((key) => key.kid)).toEqual(kidsBefore);
    await expect(app.inspector.inspect(tenant, issued.token)).resolves.toMatchObject({ valid: true });
    expect((await app.issuance.issue(genuine())).kid).toBe(issued.kid);
  });

  it('signs with EdDSA once the tenant chooses it, and with HS256 as a compatibility mode', async () => {
    await app.keys.updateSettings(actor, { algorithm: 'EdDSA' });
    await app.keys.rotate(actor, { force: true });
    const eddsa = await app.issuance.issue(genuine());
    await verifyWithJwksOnly(app, eddsa.token, 'EdDSA');

    await app.keys.updateSettings(actor, { algorithm: 'HS256' });
    await app.keys.rotate(actor, { force: true });
    const hs = await app.issuance.issue(genuine());
    const jwks = (await app.get(`/tenants/${tenant}/.well-known/jwks.json`)).body as { keys: JwksEntry[] };
    expect(jwks.keys.map((key) => key.kid)).not.toContain(hs.kid);
    // The shared secret travels only sealed under the KEK, on the keys topic.
    const event = await events.waitFor(`${tenant}/key/${hs.kid}`, (e) => e.envelope?.data.state === 'active');
    const sealed = SealedValueSchema.parse(event.envelope?.data.sealedSecret);
    const secret = testKeyring().open(sealed, signingKeySecretAad(tenant, hs.kid));
    expect(jsonwebtoken.verify(hs.token, secret, { algorithms: ['HS256'], issuer, audience })).toMatchObject({
      iss: issuer,
    });
    await expect(app.inspector.inspect(tenant, hs.token)).resolves.toMatchObject({ valid: true });
  });
});
