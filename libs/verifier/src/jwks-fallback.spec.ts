import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyMaterial, jwksDocument, signToken } from '@tessera/tokens';
import { type JwksFetchOutcome, JwksFallback } from './jwks-fallback';
import { RevocationIndex } from './revocation-index';
import { ACME_AUDIENCE, ACME_ISSUER, genuineClaims } from './testing/token-fixtures';
import { TokenVerifier } from './token-verifier';
import { VerificationKeySet } from './verification-key-set';

const ISSUER_BASE = 'https://tessera.example.com';
const acmeKey = generateKeyMaterial('ES256');
const acmeJwk = acmeKey.publicJwk!;
const signer = { kid: 'acme-published-1', alg: 'ES256' as const, privateKey: acmeKey.privateKey };

/** A token service's JWKS endpoint, real HTTP on a free port, that counts what it was asked. */
class JwksServer {
  readonly requests: string[] = [];
  answer: (path: string) => { status: number; body: string } = (path) =>
    path === '/tenants/acme/.well-known/jwks.json'
      ? {
          status: 200,
          body: JSON.stringify(jwksDocument([{ kid: signer.kid, alg: 'ES256', state: 'active', publicJwk: acmeJwk }])),
        }
      : { status: 404, body: '{}' };
  private readonly server = http.createServer((request, response) => {
    this.requests.push(request.url ?? '');
    const { status, body } = this.answer(request.url ?? '');
    response.writeHead(status, { 'content-type': 'application/jwk-set+json' }).end(body);
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }
}

const tokenFor = (iss: string, kid = signer.kid) =>
  signToken({ ...signer, kid }, { ...genuineClaims(), iss, aud: ACME_AUDIENCE });

describe('JwksFallback: a kid no key event brought, looked up in its tenant JWKS', () => {
  const server = new JwksServer();
  let baseUrl: string;
  let outcomes: JwksFetchOutcome[];
  let keys: VerificationKeySet;
  const fallback = (options: { minIntervalMs?: number; maxFetchesPerSecond?: number } = {}) =>
    new JwksFallback({
      keys,
      jwksBaseUrl: baseUrl,
      issuerBase: ISSUER_BASE,
      onFetch: (outcome) => outcomes.push(outcome),
      ...options,
    });

  beforeAll(async () => {
    baseUrl = await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
    outcomes = [];
    keys = new VerificationKeySet();
  });

  it('learns the key from the JWKS, bound to the tenant and its issuer, so the verifier accepts the token', async () => {
    const verifier = new TokenVerifier({ keys, revocations: new RevocationIndex(), unknownKeys: fallback() });
    const token = await tokenFor(ACME_ISSUER);
    await expect(verifier.verify(token, {})).resolves.toMatchObject({ accepted: true, tenant: 'acme' });
    expect(server.requests).toEqual(['/tenants/acme/.well-known/jwks.json']);
    expect(outcomes).toEqual(['found']);
    expect(keys.find(signer.kid)).toMatchObject({ state: 'active', issuer: ACME_ISSUER });
    // Known from now on: no second fetch.
    await expect(verifier.verify(await tokenFor(ACME_ISSUER), {})).resolves.toMatchObject({ accepted: true });
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a kid the JWKS does not have, and asks again for that tenant only after the interval', async () => {
    const lookup = fallback({ minIntervalMs: 60_000 });
    const verifier = new TokenVerifier({ keys, revocations: new RevocationIndex(), unknownKeys: lookup });
    const forged = await tokenFor(ACME_ISSUER, 'made-up-kid-1');
    await expect(verifier.verify(forged, {})).resolves.toMatchObject({ accepted: false, reason: 'unknown-key' });
    await expect(verifier.verify(await tokenFor(ACME_ISSUER, 'made-up-kid-2'), {})).resolves.toMatchObject({
      reason: 'unknown-key',
    });
    expect(server.requests).toHaveLength(1);
    expect(outcomes).toEqual(['not-found', 'throttled']);
  });

  it('asks once for many tokens of one tenant at the same time', async () => {
    const lookup = fallback();
    const tokens = await Promise.all([1, 2, 3, 4].map(() => tokenFor(ACME_ISSUER)));
    await expect(Promise.all(tokens.map((token) => lookup.resolve(signer.kid, token)))).resolves.toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(server.requests).toHaveLength(1);
  });

  it('fetches nothing for an issuer that is not one of the token service', async () => {
    const lookup = fallback();
    for (const iss of [
      'https://evil.example/tenants/acme',
      `${ISSUER_BASE}/tenants/Not_A_Tenant`,
      `${ISSUER_BASE}/x`,
    ]) {
      await expect(lookup.resolve(signer.kid, await tokenFor(iss))).resolves.toBe(false);
    }
    await expect(lookup.resolve(signer.kid, 'not-a-jwt')).resolves.toBe(false);
    expect(server.requests).toEqual([]);
    expect(outcomes).toEqual(['not-ours', 'not-ours', 'not-ours', 'not-ours']);
  });

  it('fetches at most maxFetchesPerSecond overall, whatever tenants the tokens name', async () => {
    const lookup = fallback({ maxFetchesPerSecond: 2 });
    for (const tenant of ['t-one', 't-two', 't-three']) {
      await lookup.resolve('some-kid-1', await tokenFor(`${ISSUER_BASE}/tenants/${tenant}`, 'some-kid-1'));
    }
    expect(server.requests).toHaveLength(2);
    expect(outcomes).toEqual(['failed', 'failed', 'throttled']); // 404s: no such tenant there
  });

  it.each([
    ['a server error', { status: 500, body: 'oops' }],
    ['a body that is not JSON', { status: 200, body: '<html>' }],
    ['a JWKS over 64 KiB', { status: 200, body: JSON.stringify({ keys: [], pad: 'x'.repeat(70_000) }) }],
    [
      'an HS256 key in the JWKS',
      { status: 200, body: JSON.stringify({ keys: [{ kid: signer.kid, alg: 'HS256', kty: 'oct', k: 'AAAA' }] }) },
    ],
  ])('learns nothing from %s, and says it failed', async (_what, answer) => {
    const previous = server.answer;
    server.answer = () => answer;
    try {
      await expect(fallback().resolve(signer.kid, await tokenFor(ACME_ISSUER))).resolves.toBe(false);
      expect(outcomes).toEqual(['failed']);
      expect(keys.size).toBe(0);
    } finally {
      server.answer = previous;
    }
  });

  it('never overrides what the key events say: a revoked key stays revoked', () => {
    keys.applySigningKey('acme', {
      kid: signer.kid,
      alg: 'ES256',
      state: 'revoked',
      issuer: ACME_ISSUER,
      publicJwk: acmeKey.publicJwk,
      createdAt: new Date().toISOString(),
      activatedAt: new Date().toISOString(),
      deactivatedAt: null,
      retiresAt: null,
      revokedAt: new Date().toISOString(),
      revocationReason: 'leaked',
    });
    keys.applyFetchedKey('acme', { kid: signer.kid, alg: 'ES256', issuer: ACME_ISSUER, publicJwk: acmeJwk });
    expect(keys.find(signer.kid)?.state).toBe('revoked');
  });

  it('refuses a JWKS URL that is not one at construction', () => {
    expect(() => new JwksFallback({ keys, jwksBaseUrl: 'not a url', issuerBase: ISSUER_BASE })).toThrow();
  });
});
