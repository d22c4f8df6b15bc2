import { createHmac, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import type { SigningAlgorithm, SigningKeyState } from '@tessera/contracts';
import { SignJWT, UnsecuredJWT } from 'jose';
import { issueClaims, type TokenIssuanceRequest } from './issue-claims';
import { generateKeyMaterial, type KeyMaterial } from './key-material';
import { type InspectionKeys, inspectToken, type VerificationKey } from './token-inspection';
import { signToken } from './token-signer';

const ISSUER = 'https://tessera.example.com/tenants/acme';
const AUDIENCE = 'tessera:acme';
const now = new Date('2026-12-01T12:00:00Z');
const pass: TokenIssuanceRequest = {
  tenant: 'acme',
  appId: randomUUID(),
  verdict: 'pass',
  registrationId: randomUUID(),
  installationKeyThumbprint: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  lifetimeSeconds: 300,
};
const claims = (at = now, lifetimeSeconds = 300) =>
  issueClaims(pass, { issuer: ISSUER, audience: AUDIENCE, now: at, lifetimeSeconds });

class Keys implements InspectionKeys {
  readonly keys = new Map<string, VerificationKey>();
  readonly failures: { alg: SigningAlgorithm; key: KeyObject }[] = [];
  add(kid: string, material: KeyMaterial, state: SigningKeyState = 'active', issuer = ISSUER) {
    this.keys.set(kid, { kid, alg: material.alg, state, issuer, key: material.publicKey });
    return { kid, alg: material.alg, privateKey: material.privateKey };
  }
  find(kid: string) {
    return this.keys.get(kid);
  }
  failureKeys(alg: SigningAlgorithm) {
    return this.failures.filter((f) => f.alg === alg).map((f) => f.key);
  }
}

function setup(alg: SigningAlgorithm = 'ES256') {
  const keys = new Keys();
  const signer = keys.add('active-key-1', generateKeyMaterial(alg));
  return {
    keys,
    signer,
    inspect: (token: unknown, at = now) => inspectToken(token, { keys, audience: AUDIENCE, now: at }),
  };
}

describe('token inspection', () => {
  it.each(['ES256', 'EdDSA', 'HS256'] as const)('accepts a %s token with every claim, typ and kid', async (alg) => {
    const { signer, inspect } = setup(alg);
    const signed = claims();
    const result = await inspect(await signToken(signer, signed));
    expect(result).toEqual({
      valid: true,
      header: { alg, typ: 'tessera+jwt', kid: 'active-key-1' },
      claims: signed,
      keyState: 'active',
    });
  });

  it.each(['next', 'retiring'] as const)('accepts a token of a %s key', async (state) => {
    const keys = new Keys();
    const signer = keys.add('key-in-state', generateKeyMaterial('ES256'), state);
    await expect(
      inspectToken(await signToken(signer, claims()), { keys, audience: AUDIENCE, now }),
    ).resolves.toMatchObject({
      valid: true,
      keyState: state,
    });
  });

  describe('refuses, with a stable reason (RFC 8725)', () => {
    it('no token at all: missing', async () => {
      const { inspect } = setup();
      await expect(inspect('')).resolves.toMatchObject({ valid: false, reason: 'missing' });
      await expect(inspect(undefined)).resolves.toMatchObject({ valid: false, reason: 'missing' });
    });

    it.each([
      ['garbage', 'not-a-token'],
      ['two parts', 'eyJhbGciOiJFUzI1NiJ9.e30'],
      ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln'],
      ['over 8 KiB', 'a'.repeat(8193)],
    ])('%s: malformed', async (_what, token) => {
      const { inspect } = setup();
      await expect(inspect(token)).resolves.toMatchObject({ valid: false, reason: 'malformed' });
    });

    it('alg none (an unsecured JWT naming a real kid): algorithm-not-allowed', async () => {
      const { inspect } = setup();
      const unsecured = new UnsecuredJWT({ ...claims() }).encode();
      const [, payload] = unsecured.split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'tessera+jwt', kid: 'active-key-1' })).toString(
        'base64url',
      );
      await expect(inspect(`${header}.${payload}.`)).resolves.toMatchObject({
        valid: false,
        reason: 'algorithm-not-allowed',
      });
    });

    it('algorithm confusion: HS256 keyed with the ES256 public key (CVE-2015-9235 shape): algorithm-not-allowed', async () => {
      const material = generateKeyMaterial('ES256');
      const keys = new Keys();
      keys.add('active-key-1', material);
      const pem = material.publicKey.export({ type: 'spki', format: 'pem' });
      const forged = await new SignJWT({ ...claims() })
        .setProtectedHeader({ alg: 'HS256', typ: 'tessera+jwt', kid: 'active-key-1' })
        .sign(Buffer.from(pem));
      await expect(inspectToken(forged, { keys, audience: AUDIENCE, now })).resolves.toMatchObject({
        valid: false,
        reason: 'algorithm-not-allowed',
      });
    });

    it('an algorithm Tessera never signs with (RS256): algorithm-not-allowed', async () => {
      const { inspect } = setup();
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const token = await new SignJWT({ ...claims() })
        .setProtectedHeader({ alg: 'RS256', typ: 'tessera+jwt', kid: 'active-key-1' })
        .sign(privateKey);
      await expect(inspect(token)).resolves.toMatchObject({ valid: false, reason: 'algorithm-not-allowed' });
    });

    it('no kid: malformed', async () => {
      const { signer, inspect } = setup();
      const token = await new SignJWT({ ...claims() })
        .setProtectedHeader({ alg: 'ES256', typ: 'tessera+jwt' })
        .sign(signer.privateKey);
      await expect(inspect(token)).resolves.toMatchObject({
        valid: false,
        reason: 'malformed',
        detail: 'kid is required',
      });
    });

    it.each([
      ['no typ', { alg: 'ES256', kid: 'active-key-1' }],
      ['typ JWT', { alg: 'ES256', typ: 'JWT', kid: 'active-key-1' }],
    ])('%s: malformed', async (_what, header) => {
      const { signer, inspect } = setup();
      const token = await new SignJWT({ ...claims() }).setProtectedHeader(header).sign(signer.privateKey);
      await expect(inspect(token)).resolves.toMatchObject({ valid: false, reason: 'malformed' });
    });

    it('a kid nobody published: unknown-key', async () => {
      const { inspect } = setup();
      const stranger = {
        kid: 'someone-elses',
        alg: 'ES256' as const,
        privateKey: generateKeyMaterial('ES256').privateKey,
      };
      await expect(inspect(await signToken(stranger, claims()))).resolves.toMatchObject({
        valid: false,
        reason: 'unknown-key',
      });
    });

    it("a kid of another tenant's key (its issuer is not the token's): wrong-issuer", async () => {
      const keys = new Keys();
      const globex = keys.add(
        'globex-key-1',
        generateKeyMaterial('ES256'),
        'active',
        'https://tessera.example.com/tenants/globex',
      );
      // Globex's key signs a token claiming to be Acme's.
      await expect(
        inspectToken(await signToken(globex, claims()), { keys, audience: AUDIENCE, now }),
      ).resolves.toMatchObject({
        valid: false,
        reason: 'wrong-issuer',
      });
    });

    it('a signature made with another key under the right kid: bad-signature', async () => {
      const { inspect } = setup();
      const impostor = {
        kid: 'active-key-1',
        alg: 'ES256' as const,
        privateKey: generateKeyMaterial('ES256').privateKey,
      };
      await expect(inspect(await signToken(impostor, claims()))).resolves.toMatchObject({
        valid: false,
        reason: 'bad-signature',
      });
    });

    it('a claim changed after signing: bad-signature', async () => {
      const { signer, inspect } = setup();
      const [header, , signature] = (await signToken(signer, claims())).split('.');
      const tampered = Buffer.from(JSON.stringify({ ...claims(), sub: randomUUID() })).toString('base64url');
      await expect(inspect(`${header}.${tampered}.${signature}`)).resolves.toMatchObject({
        valid: false,
        reason: 'bad-signature',
      });
    });

    it('a failure token (signed by a failure key under the active kid): failure-token', async () => {
      const { keys, inspect } = setup();
      const failure = generateKeyMaterial('ES256');
      keys.failures.push({ alg: 'ES256', key: failure.publicKey });
      const token = await signToken(
        { kid: 'failure-1', alg: 'ES256', privateKey: failure.privateKey },
        claims(),
        'active-key-1',
      );
      await expect(inspect(token)).resolves.toMatchObject({ valid: false, reason: 'failure-token' });
    });

    it('a token of a revoked key, even one that has not expired: revoked-key', async () => {
      const keys = new Keys();
      const signer = keys.add('revoked-key', generateKeyMaterial('ES256'), 'revoked');
      await expect(
        inspectToken(await signToken(signer, claims()), { keys, audience: AUDIENCE, now }),
      ).resolves.toMatchObject({
        valid: false,
        reason: 'revoked-key',
      });
    });

    it('a token of a retired key: unknown-key', async () => {
      const keys = new Keys();
      const signer = keys.add('retired-key', generateKeyMaterial('ES256'), 'retired');
      await expect(
        inspectToken(await signToken(signer, claims()), { keys, audience: AUDIENCE, now }),
      ).resolves.toMatchObject({
        valid: false,
        reason: 'unknown-key',
      });
    });

    it('expired beyond the clock skew: expired; within it: accepted', async () => {
      const { signer, inspect } = setup();
      const token = await signToken(signer, claims(now, 300));
      await expect(inspect(token, new Date(now.getTime() + 329_000))).resolves.toMatchObject({ valid: true });
      await expect(inspect(token, new Date(now.getTime() + 331_000))).resolves.toMatchObject({
        valid: false,
        reason: 'expired',
      });
    });

    it('issued in the future beyond the skew: not-yet-valid; within it: accepted', async () => {
      const { signer, inspect } = setup();
      await expect(inspect(await signToken(signer, claims(new Date(now.getTime() + 20_000))))).resolves.toMatchObject({
        valid: true,
      });
      await expect(inspect(await signToken(signer, claims(new Date(now.getTime() + 60_000))))).resolves.toMatchObject({
        valid: false,
        reason: 'not-yet-valid',
      });
    });

    it('another audience: wrong-audience', async () => {
      const { keys, signer } = setup();
      const token = await signToken(signer, claims());
      await expect(inspectToken(token, { keys, audience: 'tessera:globex', now })).resolves.toMatchObject({
        valid: false,
        reason: 'wrong-audience',
      });
      await expect(inspectToken(token, { keys, audience: ['other', AUDIENCE], now })).resolves.toMatchObject({
        valid: true,
      });
    });

    it('an issuer other than the one required: wrong-issuer', async () => {
      const { keys, signer } = setup();
      await expect(
        inspectToken(await signToken(signer, claims()), { keys, audience: AUDIENCE, issuer: 'https://elsewhere', now }),
      ).resolves.toMatchObject({ valid: false, reason: 'wrong-issuer' });
    });

    it.each(['reg', 'ipk', 'did', 'jti', 'sub'] as const)(
      'a validly signed token without %s: malformed',
      async (claim) => {
        const { signer, inspect } = setup();
        const partial = Object.fromEntries(Object.entries(claims()).filter(([name]) => name !== claim));
        const token = await new SignJWT(partial)
          .setProtectedHeader({ alg: 'ES256', typ: 'tessera+jwt', kid: 'active-key-1' })
          .sign(signer.privateKey);
        await expect(inspect(token)).resolves.toMatchObject({ valid: false, reason: 'malformed' });
      },
    );

    it('an HS256 token forged with a guessed secret: bad-signature', async () => {
      const { inspect } = setup('HS256');
      const token = await new SignJWT({ ...claims() })
        .setProtectedHeader({ alg: 'HS256', typ: 'tessera+jwt', kid: 'active-key-1' })
        .sign(createHmac('sha256', 'guess').digest());
      await expect(inspect(token)).resolves.toMatchObject({ valid: false, reason: 'bad-signature' });
    });
  });

  it('shows what a refused token says, unverified, for the person inspecting it', async () => {
    const { inspect } = setup();
    const impostor = {
      kid: 'active-key-1',
      alg: 'ES256' as const,
      privateKey: generateKeyMaterial('ES256').privateKey,
    };
    const signed = claims();
    const result = await inspect(await signToken(impostor, signed));
    expect(result).toMatchObject({
      valid: false,
      header: { kid: 'active-key-1' },
      claims: { did: signed.did, exp: signed.exp },
    });
  });
});
