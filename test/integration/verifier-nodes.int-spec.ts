import { randomBytes, randomUUID } from 'node:crypto';
import { Topics } from '@tessera/contracts';
import { eventually } from '../support/eventually';
import { provisionTopics, testKafka } from '../support/messaging-fixture';
import { RegistrationApp } from '../support/registration-app';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';
import { TEST_KEK } from '../support/test-kek';
import { TokenApp } from '../support/token-app';
import { VerifierApp } from '../support/verifier-app';

const env = testEnvironment();

describe('three verifier nodes fed by Kafka (real broker and database)', () => {
  const suffix = uniqueSuffix();
  const prefix = `vn${suffix}.`;
  let registration: RegistrationApp;
  let token: TokenApp;
  let admin: string;
  const nodes: VerifierApp[] = [];

  const issue = async (deviceId = `device-${randomUUID()}`) =>
    (
      await token.issuance.issue({
        tenant: 'acme',
        appId: randomUUID(),
        verdict: 'pass',
        registrationId: randomUUID(),
        installationKeyThumbprint: randomBytes(32).toString('base64url'),
        deviceId,
        lifetimeSeconds: 300,
      })
    ).token;
  const decisions = (tokenValue: string) => Promise.all(nodes.map((node) => node.verify(tokenValue)));

  beforeAll(async () => {
    registration = await RegistrationApp.start(env, `vreg_${suffix}`, prefix);
    token = await TokenApp.start(env, `vtok_${suffix}`, prefix);
    admin = (await registration.bootstrap('acme')).key;
    // The tenant's keys are made when its tenant.upserted reaches the token service.
    await eventually(async () => (await token.keys.list('acme')).length === 2, 'the tenant keys');
    for (let i = 0; i < 3; i++)
      nodes.push(await VerifierApp.start(env, prefix, { VERIFIER_NODE_ID: `node-${i}-${suffix}` }));
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await token.stop();
    await registration.stop();
  });

  it('accepts a genuine token on every node, with its claims', async () => {
    const tokenValue = await issue();
    for (const decision of await decisions(tokenValue)) {
      expect(decision).toMatchObject({ decision: 'accept', claims: { iss: 'https://tessera.test/tenants/acme' } });
    }
  });

  it('refuses a device revoked through the admin API on all three nodes, by push', async () => {
    const deviceId = `device-${randomUUID()}`;
    const tokenValue = await issue(deviceId);
    expect((await decisions(tokenValue)).map((d) => d.decision)).toEqual(['accept', 'accept', 'accept']);
    const revoked = await registration.call('POST', '/v1/revocations', {
      key: admin,
      body: { subject: { kind: 'device', value: deviceId }, reason: 'stolen' },
    });
    expect(revoked.status).toBe(201);
    const answered = Date.now();
    await eventually(
      async () => (await decisions(tokenValue)).every((d) => d.decision === 'refuse' && d.reason === 'revoked-device'),
      'every node to refuse the revoked device',
      10_000,
    );
    // Recorded, not asserted (speed lives in the benchmarks): from the admin API's answer to refusal everywhere.
    process.stdout.write(
      `revocation refused by all 3 nodes ${Date.now() - answered} ms after the admin API answered\n`,
    );
  });

  it('refuses tokens of an emergency-revoked key on all three nodes, and accepts the next key at once', async () => {
    const before = await issue();
    const [active] = (await token.keys.list('acme')).filter((key) => key.state === 'active');
    await token.keys.revoke({ tenantId: 'acme', keyId: null }, active!.kid, 'leaked');
    await eventually(
      async () => (await decisions(before)).every((d) => d.reason === 'revoked-key'),
      'every node to refuse the revoked key',
      10_000,
    );
    const after = await issue();
    await eventually(
      async () => (await decisions(after)).every((d) => d.decision === 'accept'),
      'every node to accept the next key',
      10_000,
    );
  });

  it('rebuilds the same view on a node started after the events', async () => {
    const deviceId = `device-${randomUUID()}`;
    const revokedToken = await issue(deviceId);
    await registration.call('POST', '/v1/revocations', {
      key: admin,
      body: { subject: { kind: 'device', value: deviceId } },
    });
    await eventually(async () => (await decisions(revokedToken)).every((d) => d.decision === 'refuse'), 'refusal');
    const late = await VerifierApp.start(env, prefix, { VERIFIER_NODE_ID: `node-late-${suffix}` });
    try {
      await expect(late.verify(revokedToken)).resolves.toMatchObject({ decision: 'refuse', reason: 'revoked-device' });
      await expect(late.verify(await issue())).resolves.toMatchObject({ decision: 'accept' });
    } finally {
      await late.stop();
    }
  });

  it('answers nginx auth_request: 200 with the subject in headers, 401 with the reason', async () => {
    const tokenValue = await issue();
    const ok = await fetch(`${nodes[0]!.url}/v1/auth`, { headers: { 'tessera-token': tokenValue } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('tessera-tenant')).toBe('acme');
    expect(ok.headers.get('tessera-device')).toMatch(/^device-/);
    const missing = await fetch(`${nodes[0]!.url}/v1/auth`);
    expect(missing.status).toBe(401);
    await expect(missing.json()).resolves.toMatchObject({ reason: 'missing' });
    const forged = await fetch(`${nodes[0]!.url}/v1/auth`, {
      headers: { 'tessera-token': `${tokenValue.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);
  });

  it("answers Envoy's HTTP ext_authz for any method and path under /v1/envoy", async () => {
    const tokenValue = await issue();
    const allowed = await fetch(`${nodes[1]!.url}/v1/envoy/api/payments/42?expand=all`, {
      method: 'POST',
      headers: { 'tessera-token': tokenValue, 'content-length': '0' },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('tessera-tenant')).toBe('acme');
    expect(allowed.headers.get('tessera-app')).toMatch(/^[0-9a-f-]{36}$/);
    const root = await fetch(`${nodes[1]!.url}/v1/envoy`, { headers: { 'tessera-token': tokenValue } });
    expect(root.status).toBe(200);
    const denied = await fetch(`${nodes[1]!.url}/v1/envoy/api/payments/42`, { method: 'DELETE' });
    expect(denied.status).toBe(401);
    await expect(denied.json()).resolves.toMatchObject({ reason: 'missing' });
    expect(denied.headers.get('tessera-tenant')).toBeNull();
  });

  it("learns a kid no key event brought from its tenant's JWKS on the token service, rate-limited", async () => {
    // A node on topics of its own: no key event reaches it, only the JWKS can tell it the key.
    const elsewhere = `${prefix}jwks.`;
    await provisionTopics(testKafka(env.kafkaBrokers), elsewhere, [Topics.keys, Topics.revocations, Topics.deadLetter]);
    const jwksOnly = await VerifierApp.start(env, elsewhere, {
      VERIFIER_NODE_ID: `node-jwks-${suffix}`,
      VERIFIER_JWKS_URL: token.url,
      VERIFIER_ISSUER: 'https://tessera.test',
    });
    try {
      const genuine = await issue();
      await expect(jwksOnly.verify(genuine)).resolves.toMatchObject({
        decision: 'accept',
        claims: { sub: expect.any(String) as unknown },
      });
      const [header, payload] = genuine.split('.');
      const madeUp = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(header!, 'base64url').toString()), kid: 'made-up-kid' }),
      ).toString('base64url');
      const forged = `${madeUp}.${payload}.AAAA`;
      await expect(jwksOnly.verify(forged)).resolves.toMatchObject({ decision: 'refuse', reason: 'unknown-key' });
      await expect(jwksOnly.verify(forged)).resolves.toMatchObject({ decision: 'refuse', reason: 'unknown-key' });
      const metrics = await (await fetch(`${jwksOnly.url}/metrics`)).text();
      expect(metrics).toMatch(/tessera_verifier_jwks_lookups_total\{outcome="found"[^}]*\} 1\n/);
      // acme's JWKS was fetched a moment ago: made-up kids within the interval cost no fetch.
      expect(metrics).toMatch(/tessera_verifier_jwks_lookups_total\{outcome="throttled"[^}]*\} 2\n/);
    } finally {
      await jwksOnly.stop();
    }
  });

  it('verifies HS256 tokens on a node holding the KEK, and refuses them as unknown-key on one without it', async () => {
    const globexAdmin = (await registration.bootstrap('globex')).key;
    await eventually(async () => (await token.keys.list('globex')).length === 2, 'the globex keys');
    const tokenAdmin = (method: string, path: string, body: unknown) =>
      fetch(`${token.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${globexAdmin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // The new admin key reaches the token service by its own event, maybe after the tenant's.
    await eventually(
      async () => (await tokenAdmin('PUT', '/v1/signing-settings', { algorithm: 'HS256' })).status === 200,
      'the token service to know the globex admin key',
    );
    expect((await tokenAdmin('POST', '/v1/signing-keys/rotate', { force: true })).status).toBeLessThan(300);
    const withKek = await VerifierApp.start(env, prefix, {
      VERIFIER_NODE_ID: `node-kek-${suffix}`,
      TESSERA_KEK: TEST_KEK,
    });
    try {
      const hs256 = (
        await token.issuance.issue({
          tenant: 'globex',
          appId: randomUUID(),
          verdict: 'pass',
          registrationId: randomUUID(),
          installationKeyThumbprint: randomBytes(32).toString('base64url'),
          deviceId: `device-${randomUUID()}`,
          lifetimeSeconds: 300,
        })
      ).token;
      expect(JSON.parse(Buffer.from(hs256.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
      await eventually(
        async () => (await withKek.verify(hs256)).decision === 'accept',
        'the node with the KEK to accept the HS256 token',
        10_000,
      );
      expect(await withKek.verify(hs256)).toMatchObject({ claims: { iss: 'https://tessera.test/tenants/globex' } });
      expect(await nodes[0]!.verify(hs256)).toMatchObject({ decision: 'refuse', reason: 'unknown-key' });
    } finally {
      await withKek.stop();
    }
  });
});
