import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EventData, SigningKeyUpsertedV1 } from '@tessera/contracts';
import { generateKeyMaterial, issueClaims, signToken, type TokenIssuanceRequest } from '@tessera/tokens';
import { RevocationIndex } from './revocation-index';
import { TokenVerifier } from './token-verifier';
import { VerificationKeySet } from './verification-key-set';
import { ViewFreshness } from './view/view-freshness';

const issuer = 'https://tessera.example.com/tenants/acme';
const audience = 'tessera:acme';
const now = Date.now();
const material = generateKeyMaterial('ES256');
const signer = { kid: 'acme-active-01', alg: 'ES256' as const, privateKey: material.privateKey };
const keyEvent = (state: 'active' | 'revoked'): EventData<typeof SigningKeyUpsertedV1> => ({
  kid: signer.kid,
  alg: 'ES256',
  state,
  issuer,
  publicJwk: material.publicJwk,
  createdAt: new Date(now).toISOString(),
  activatedAt: new Date(now).toISOString(),
  deactivatedAt: null,
  retiresAt: null,
  revokedAt: state === 'revoked' ? new Date(now).toISOString() : null,
  revocationReason: state === 'revoked' ? 'leaked' : null,
});
const request = (extra: Partial<TokenIssuanceRequest> = {}): TokenIssuanceRequest => ({
  tenant: 'acme',
  appId: randomUUID(),
  verdict: 'pass',
  registrationId: randomUUID(),
  installationKeyThumbprint: randomBytes(32).toString('base64url'),
  deviceId: `device-${randomUUID()}`,
  lifetimeSeconds: 300,
  ...extra,
});
const issue = async (extra: Partial<TokenIssuanceRequest> = {}) => {
  const claims = issueClaims(request(extra), { issuer, audience, now: new Date(now), lifetimeSeconds: 300 });
  return { token: await signToken(signer, claims), claims };
};
const revocation = (kind: 'device' | 'installation' | 'registration' | 'token', value: string) => ({
  revocationId: randomUUID(),
  subject: { kind, value },
  createdAt: new Date(now).toISOString(),
  expiresAt: null,
});

function setup() {
  const keys = new VerificationKeySet();
  keys.applySigningKey('acme', keyEvent('active'));
  const revocations = new RevocationIndex();
  const verifier = new TokenVerifier({ keys, revocations });
  return {
    keys,
    revocations,
    verify: (token: unknown, boundValue?: string, at = now) =>
      verifier.verify(token, { audience, boundValue, now: at }),
  };
}

describe('the token verifier', () => {
  it('accepts a valid token with its claims and tenant, then answers the same token from its cache', async () => {
    const { verify } = setup();
    const { token, claims } = await issue();
    await expect(verify(token)).resolves.toMatchObject({ accepted: true, claims, tenant: 'acme', cached: false });
    await expect(verify(token)).resolves.toMatchObject({ accepted: true, claims, cached: true });
  });

  it.each([
    ['device', 'revoked-device', (c: { did: string }) => c.did],
    ['installation', 'revoked-installation', (c: { ipk: string }) => c.ipk],
    ['registration', 'revoked-registration', (c: { reg: string }) => c.reg],
    ['token', 'revoked-token', (c: { jti: string }) => c.jti],
  ] as const)(
    'refuses a token whose %s is revoked, even one it had cached, and accepts it once lifted',
    async (kind, reason, value) => {
      const { verify, revocations } = setup();
      const { token, claims } = await issue();
      await expect(verify(token)).resolves.toMatchObject({ accepted: true });
      const revoked = revocation(kind, value(claims));
      revocations.upsert('acme', revoked);
      await expect(verify(token)).resolves.toMatchObject({ accepted: false, reason });
      revocations.lift(revoked.revocationId);
      await expect(verify(token)).resolves.toMatchObject({ accepted: true, cached: false });
    },
  );

  it("checks the tenant's default audience when the API names none", async () => {
    const { keys, revocations } = setup();
    const verifier = new TokenVerifier({ keys, revocations });
    const { token } = await issue();
    await expect(verifier.verify(token, { now })).resolves.toMatchObject({ accepted: true });
    const elsewhere = await signToken(
      signer,
      issueClaims(request(), { issuer, audience: 'api.globex.example', now: new Date(now), lifetimeSeconds: 300 }),
    );
    await expect(verifier.verify(elsewhere, { now })).resolves.toMatchObject({
      accepted: false,
      reason: 'wrong-audience',
    });
  });

  it("ignores another tenant's revocation of the same value", async () => {
    const { verify, revocations } = setup();
    const { token, claims } = await issue();
    revocations.upsert('globex', revocation('device', claims.did));
    await expect(verify(token)).resolves.toMatchObject({ accepted: true });
  });

  it('refuses a cached token at once when its key is revoked (revoked-key)', async () => {
    const { verify, keys } = setup();
    const { token } = await issue();
    await verify(token);
    keys.applySigningKey('acme', keyEvent('revoked'));
    await expect(verify(token)).resolves.toMatchObject({ accepted: false, reason: 'revoked-key' });
  });

  it('refuses a cached token once it has expired, and one cached for another audience', async () => {
    const { verify } = setup();
    const { token, claims } = await issue();
    await verify(token);
    await expect(verify(token, undefined, claims.exp * 1000 + 31_000)).resolves.toMatchObject({
      accepted: false,
      reason: 'expired',
    });
    const { keys, revocations } = setup();
    const other = new TokenVerifier({ keys, revocations });
    await other.verify(token, { audience, now });
    await expect(other.verify(token, { audience: 'tessera:globex', now })).resolves.toMatchObject({
      accepted: false,
      reason: 'wrong-audience',
    });
  });

  it('checks token binding: the bound header must hash to pay', async () => {
    const { verify } = setup();
    const authorization = 'Bearer user-session-123';
    const pay = createHash('sha256').update(authorization).digest('base64url');
    const { token } = await issue({ payloadBinding: pay });
    await expect(verify(token, authorization)).resolves.toMatchObject({ accepted: true });
    await expect(verify(token, 'Bearer someone-else')).resolves.toMatchObject({
      accepted: false,
      reason: 'binding-mismatch',
    });
    await expect(verify(token)).resolves.toMatchObject({ accepted: false, reason: 'binding-mismatch' });
  });

  it('refuses what the token rules refuse, with their reasons (missing, malformed, unknown key)', async () => {
    const { verify } = setup();
    await expect(verify(undefined)).resolves.toMatchObject({ accepted: false, reason: 'missing' });
    await expect(verify('a.b')).resolves.toMatchObject({ accepted: false, reason: 'malformed' });
    const stranger = await signToken(
      { kid: 'stranger-key-1', alg: 'ES256', privateKey: generateKeyMaterial('ES256').privateKey },
      issueClaims(request(), { issuer, audience, now: new Date(now), lifetimeSeconds: 300 }),
    );
    await expect(verify(stranger)).resolves.toMatchObject({ accepted: false, reason: 'unknown-key' });
  });

  it('refuses every token with stale-view while a fail-closed view is too old, and decides again once current', async () => {
    const { keys, revocations } = setup();
    const freshness = new ViewFreshness<number>({ maxStalenessMs: 5000, whenStale: 'fail-closed' });
    const verifier = new TokenVerifier({ keys, revocations, freshness });
    const { token } = await issue();
    await expect(verifier.verify(token, { audience, now })).resolves.toMatchObject({
      accepted: false,
      reason: 'stale-view',
      detail: expect.stringContaining('not built yet') as unknown,
    });
    freshness.observe(now, 0, () => 0);
    await expect(verifier.verify(token, { audience, now: now + 5000 })).resolves.toMatchObject({ accepted: true });
    // Cached or not, a stale view vouches for nothing.
    await expect(verifier.verify(token, { audience, now: now + 12_000 })).resolves.toMatchObject({
      accepted: false,
      reason: 'stale-view',
      detail: expect.stringContaining('12 s old (limit 5 s') as unknown,
    });
    freshness.observe(now + 13_000, 0, () => 0);
    await expect(verifier.verify(token, { audience, now: now + 13_000 })).resolves.toMatchObject({ accepted: true });
  });

  it('keeps deciding from a stale view when the policy is keep-serving', async () => {
    const { keys, revocations } = setup();
    const freshness = new ViewFreshness<number>({ maxStalenessMs: 5000, whenStale: 'keep-serving' });
    const verifier = new TokenVerifier({ keys, revocations, freshness });
    const { token } = await issue();
    await expect(verifier.verify(token, { audience, now })).resolves.toMatchObject({ accepted: true });
  });
});
