import { randomBytes, randomUUID } from 'node:crypto';
import { eventually } from '../support/eventually';
import { RegistrationApp } from '../support/registration-app';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';
import { TokenApp } from '../support/token-app';

const env = testEnvironment();

describe('token service admin API, authenticated from the registration service events (real Kafka and Postgres)', () => {
  const suffix = uniqueSuffix();
  const prefix = `ta${suffix}.`;
  let registration: RegistrationApp;
  let token: TokenApp;
  let admin: string;
  let developer: string;
  let otherAdmin: string;

  const call = async (method: string, path: string, key?: string, body?: unknown) => {
    const response = await fetch(`${token.url}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const keysOf = async (key: string) =>
    (await call('GET', '/v1/signing-keys', key)).body.items as { kid: string; state: string; alg: string }[];

  beforeAll(async () => {
    registration = await RegistrationApp.start(env, `reg_${suffix}`, prefix);
    token = await TokenApp.start(env, `tok_${suffix}`, prefix);
    admin = (await registration.bootstrap('acme')).key;
    otherAdmin = (await registration.bootstrap('globex')).key;
    developer = (await registration.teamWithDeveloper(admin, 'Payments')).developerKey;
    // The keys reach the token service as events; so does each tenant, which gets its signing keys on arrival.
    await eventually(async () => (await call('GET', '/v1/signing-keys', developer)).status === 200, 'keys known');
    await eventually(async () => (await call('GET', '/v1/signing-keys', otherAdmin)).status === 200, 'keys known');
  });

  afterAll(async () => {
    await token.stop();
    await registration.stop();
  });

  it('gives each tenant an active and a next key as soon as its tenant.upserted arrives', async () => {
    const keys = await keysOf(admin);
    expect(keys.map((key) => key.state).sort()).toEqual(['active', 'next']);
    expect(keys.every((key) => key.alg === 'ES256')).toBe(true);
    expect(JSON.stringify(keys)).not.toMatch(/sealed|"d"/);
  });

  it('answers one 401 for every bad key, and 403 naming the permission a developer lacks', async () => {
    for (const key of [undefined, 'nonsense', `tsk_${'0'.repeat(16)}_${'a'.repeat(43)}`, `${admin.slice(0, -1)}x`]) {
      const answer = await call('GET', '/v1/signing-keys', key);
      expect(answer.status).toBe(401);
      expect(answer.body.message).toBe('a valid API key is required: Authorization: Bearer tsk_...');
    }
    const rotate = await call('POST', '/v1/signing-keys/rotate', developer, {});
    expect(rotate).toMatchObject({
      status: 403,
      body: { message: 'the developer role may not do this (needs signing-key:write)' },
    });
  });

  it('refuses a key revoked in the registration service once its event arrives', async () => {
    const created = await registration.call('POST', '/v1/keys', {
      key: admin,
      body: { name: 'short-lived', role: 'admin' },
    });
    const key = created.body.key as string;
    await eventually(async () => (await call('GET', '/v1/signing-settings', key)).status === 200, 'the new key known');
    await registration.call('POST', `/v1/keys/${created.body.id as string}/revoke`, { key: admin });
    await eventually(
      async () => (await call('GET', '/v1/signing-settings', key)).status === 401,
      'the revocation known',
    );
  });

  it("keeps tenants apart: another tenant's kid is not found", async () => {
    const [globexKey] = await keysOf(otherAdmin);
    expect((await call('GET', `/v1/signing-keys/${globexKey!.kid}`, admin)).status).toBe(404);
    expect((await call('POST', `/v1/signing-keys/${globexKey!.kid}/revoke`, admin, { reason: 'x' })).status).toBe(404);
  });

  it('refuses a rotation before the next key has been published for the lead, unless forced; audits it', async () => {
    const early = await call('POST', '/v1/signing-keys/rotate', admin, {});
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/published for less than 3600 s; it may sign from .* \(or force the rotation\)/);
    expect(Date.parse(early.body.notBefore as string)).toBeGreaterThan(Date.now() + 3500_000);
    const before = await keysOf(admin);
    const forced = await call('POST', '/v1/signing-keys/rotate', admin, { force: true });
    expect(forced.status).toBe(200);
    const after = forced.body.items as { kid: string; state: string }[];
    expect(after.find((key) => key.state === 'active')?.kid).toBe(before.find((key) => key.state === 'next')?.kid);
    expect(after.find((key) => key.state === 'retiring')?.kid).toBe(before.find((key) => key.state === 'active')?.kid);
    const audit = await token.dataSource.query<{ action: string; actor: string }[]>(
      `SELECT action, actor_key_id AS "actor" FROM "tok_${suffix}".audit_event WHERE tenant_id = 'acme'`,
    );
    expect(audit).toContainEqual({ action: 'signing-key.rotate', actor: admin.slice(4, 20) });
  });

  it('revokes a key at once (200), then 409 for the same key again; 404 for an unknown kid', async () => {
    const active = (await keysOf(admin)).find((key) => key.state === 'active')!;
    const revoked = await call('POST', `/v1/signing-keys/${active.kid}/revoke`, admin, { reason: 'found in a log' });
    expect(revoked).toMatchObject({
      status: 200,
      body: { kid: active.kid, state: 'revoked', revocationReason: 'found in a log' },
    });
    expect((await call('POST', `/v1/signing-keys/${active.kid}/revoke`, admin, { reason: 'again' })).status).toBe(409);
    expect((await call('POST', '/v1/signing-keys/nosuchkey1/revoke', admin, { reason: 'x' })).status).toBe(404);
    expect((await keysOf(admin)).filter((key) => key.state === 'active')).toHaveLength(1);
  });

  it('inspects tokens for admins and developers: valid, failure tokens and garbage, with the claims', async () => {
    const request = {
      tenant: 'acme',
      appId: randomUUID(),
      registrationId: randomUUID(),
      installationKeyThumbprint: randomBytes(32).toString('base64url'),
      lifetimeSeconds: 300,
    };
    const valid = await token.issuance.issue({ ...request, verdict: 'pass' });
    const failure = await token.issuance.issue({ ...request, verdict: 'fail' });
    const ofValid = await call('POST', '/v1/tokens/inspect', developer, { token: valid.token });
    expect(ofValid).toMatchObject({
      status: 200,
      body: { valid: true, claims: { sub: request.appId, reg: request.registrationId } },
    });
    const ofFailure = await call('POST', '/v1/tokens/inspect', admin, { token: failure.token });
    expect(ofFailure).toMatchObject({
      status: 200,
      body: { valid: false, reason: 'failure-token', claims: { sub: request.appId } },
    });
    expect((await call('POST', '/v1/tokens/inspect', admin, { token: 'garbage' })).body).toMatchObject({
      valid: false,
      reason: 'malformed',
    });
    // Another tenant's admin sees an acme token as signed by a key it does not know.
    expect((await call('POST', '/v1/tokens/inspect', otherAdmin, { token: valid.token })).body).toMatchObject({
      valid: false,
      reason: 'unknown-key',
    });
  });

  it.each([
    ['an unknown field', 400, '/v1/tokens/inspect', { token: 'a.b.c', extra: 1 }],
    ['no token', 400, '/v1/tokens/inspect', {}],
    ['a token over 8192 characters', 400, '/v1/tokens/inspect', { token: 'a'.repeat(8193) }],
    ['a body over 64 KB', 413, '/v1/tokens/inspect', { token: 'a'.repeat(70_000) }],
    ['malformed JSON', 400, '/v1/tokens/inspect', '{"token":'],
    ['alg none as a setting', 400, '/v1/signing-settings', { algorithm: 'none' }],
    ['an empty settings change', 400, '/v1/signing-settings', {}],
    ['a rotation period under an hour', 400, '/v1/signing-settings', { rotationPeriodSeconds: 60 }],
    ['a revocation without a reason', 400, '/v1/signing-keys/abcdefgh12/revoke', {}],
    ['a kid with a slash', 400, '/v1/signing-keys/abc%2Fdefgh12/revoke', { reason: 'x' }],
  ])('answers %s with %i and a reason', async (_what, status, path, body) => {
    const method = path === '/v1/signing-settings' ? 'PUT' : 'POST';
    const answer = await call(method, path, admin, body);
    expect(answer.status).toBe(status);
    expect(answer.body.message).toBeDefined();
  });

  it("shows the settings with the issuer of the tenant's tokens and its JWKS URL", async () => {
    expect((await call('GET', '/v1/signing-settings', developer)).body).toEqual({
      tenantId: 'acme',
      algorithm: 'ES256',
      rotationPeriodSeconds: 86_400,
      audience: 'tessera:acme',
      issuer: 'https://tessera.test/tenants/acme',
      jwksUri: 'https://tessera.test/tenants/acme/.well-known/jwks.json',
    });
  });

  it('hands an HS256 secret to admins only, audited, and never for an ES256 key', async () => {
    const es256 = (await keysOf(admin)).find((key) => key.state === 'active')!;
    expect((await call('GET', `/v1/signing-keys/${es256.kid}/secret`, admin)).status).toBe(409);
    expect((await call('PUT', '/v1/signing-settings', admin, { algorithm: 'HS256' })).body).toMatchObject({
      algorithm: 'HS256',
    });
    await call('POST', '/v1/signing-keys/rotate', admin, { force: true });
    const hs = (await keysOf(admin)).find((key) => key.state === 'active')!;
    expect(hs.alg).toBe('HS256');
    expect((await call('GET', `/v1/signing-keys/${hs.kid}/secret`, developer)).status).toBe(403);
    const secret = await call('GET', `/v1/signing-keys/${hs.kid}/secret`, admin);
    expect(secret).toMatchObject({ status: 200, body: { kid: hs.kid, alg: 'HS256' } });
    expect(Buffer.from(secret.body.secret as string, 'base64url')).toHaveLength(32);
  });
});
