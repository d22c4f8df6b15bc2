import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { EventData, SigningAlgorithm, SigningKeyUpsertedV1 } from '@tessera/contracts';
import { Keyring, parseKek } from '@tessera/sealing';
import { generateKeyMaterial, signToken } from '@tessera/tokens';
import { SignJWT } from 'jose';
import { SignatureChecker } from './signature-check';
import { genuineClaims, signingKeyEvent } from './testing/token-fixtures';
import { VerificationKeySet } from './verification-key-set';

const ISSUER = 'https://tessera.example.com/tenants/acme';
const AUDIENCE = 'tessera:acme';
const now = Date.now();
const SKEW = 30_000;
const claims = (at = now, lifetimeSeconds = 300) => genuineClaims({ now: at, lifetimeSeconds });
const keyring = new Keyring(parseKek(`test:${randomBytes(32).toString('base64')}`));
const event = (
  kid: string,
  material: ReturnType<typeof generateKeyMaterial>,
  state: 'active' | 'revoked' | 'next' = 'active',
  issuer = ISSUER,
): EventData<typeof SigningKeyUpsertedV1> =>
  signingKeyEvent(kid, material, {
    state,
    issuer,
    ...(material.alg === 'HS256' && state !== 'revoked'
      ? { sealedSecret: keyring.seal(material.privateBytes(), `acme/signing-key/${kid}`) }
      : {}),
  });

function setup(alg: SigningAlgorithm = 'ES256') {
  const keys = new VerificationKeySet(keyring);
  const material = generateKeyMaterial(alg);
  keys.applySigningKey('acme', event('active-key-1', material));
  const checker = new SignatureChecker(keys);
  const signer = { kid: 'active-key-1', alg, privateKey: material.privateKey };
  return { keys, material, signer, check: (token: unknown, at = now) => checker.check(token, [AUDIENCE], at, SKEW) };
}
const headerOf = (header: object) => Buffer.from(JSON.stringify(header)).toString('base64url');

describe("the verifier's signature check (fast-jwt, RFC 8725)", () => {
  it.each(['ES256', 'EdDSA', 'HS256'] as const)('accepts a %s token with every claim', async (alg) => {
    const { signer, check } = setup(alg);
    const signed = claims();
    await expect(check(await signToken(signer, signed))).resolves.toEqual({
      valid: true,
      header: { alg, typ: 'tessera+jwt', kid: 'active-key-1' },
      claims: signed,
      tenant: 'acme',
    });
  });

  it.each([
    ['no token', undefined, 'missing'],
    ['an empty token', '', 'missing'],
    ['garbage', 'not-a-token', 'malformed'],
    ['two parts', 'eyJhbGciOiJFUzI1NiJ9.e30', 'malformed'],
    ['over 8 KiB', 'a'.repeat(8193), 'malformed'],
    ['alg none', `${headerOf({ alg: 'none', typ: 'tessera+jwt', kid: 'active-key-1' })}.e30.`, 'algorithm-not-allowed'],
  ])('refuses %s: %s', async (_what, token, reason) => {
    const { check } = setup();
    await expect(check(token)).resolves.toMatchObject({ valid: false, reason });
  });

  it('refuses HS256 keyed with the ES256 public key (algorithm confusion) and RS256', async () => {
    const { material, check } = setup();
    const pem = material.publicKey.export({ type: 'spki', format: 'pem' });
    const confused = await new SignJWT({ ...claims() })
      .setProtectedHeader({ alg: 'HS256', typ: 'tessera+jwt', kid: 'active-key-1' })
      .sign(Buffer.from(pem));
    await expect(check(confused)).resolves.toMatchObject({ valid: false, reason: 'algorithm-not-allowed' });
    const rsa = await new SignJWT({ ...claims() })
      .setProtectedHeader({ alg: 'RS256', typ: 'tessera+jwt', kid: 'active-key-1' })
      .sign(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    await expect(check(rsa)).resolves.toMatchObject({ valid: false, reason: 'algorithm-not-allowed' });
  });

  it.each([
    ['no kid', { alg: 'ES256', typ: 'tessera+jwt' }, 'malformed'],
    ['no typ', { alg: 'ES256', kid: 'active-key-1' }, 'malformed'],
    ['typ JWT', { alg: 'ES256', typ: 'JWT', kid: 'active-key-1' }, 'malformed'],
    ['an unknown kid', { alg: 'ES256', typ: 'tessera+jwt', kid: 'someone-else' }, 'unknown-key'],
  ])('refuses a header with %s', async (_what, header, reason) => {
    const { material, check } = setup();
    const token = await new SignJWT({ ...claims() }).setProtectedHeader(header).sign(material.privateKey);
    await expect(check(token)).resolves.toMatchObject({ valid: false, reason });
  });

  it("refuses a token signed by another tenant's key claiming this tenant's issuer", async () => {
    const { keys, check } = setup();
    const globex = generateKeyMaterial('ES256');
    keys.applySigningKey(
      'globex',
      event('globex-key-1', globex, 'active', 'https://tessera.example.com/tenants/globex'),
    );
    const token = await signToken({ kid: 'globex-key-1', alg: 'ES256', privateKey: globex.privateKey }, claims());
    await expect(check(token)).resolves.toMatchObject({ valid: false, reason: 'wrong-issuer' });
  });

  it('refuses a forged or tampered signature, and names a failure token', async () => {
    const { keys, signer, check } = setup();
    const impostor = { ...signer, privateKey: generateKeyMaterial('ES256').privateKey };
    await expect(check(await signToken(impostor, claims()))).resolves.toMatchObject({ reason: 'bad-signature' });
    const [header, , signature] = (await signToken(signer, claims())).split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims(), sub: randomUUID() })).toString('base64url')}.${signature}`;
    await expect(check(tampered)).resolves.toMatchObject({ reason: 'bad-signature' });
    const failure = generateKeyMaterial('ES256');
    keys.applyFailureKey({
      failureKeyId: 'failure-key-1',
      alg: 'ES256',
      publicJwk: failure.publicJwk!,
      createdAt: new Date(now).toISOString(),
      forgetAfter: new Date(now).toISOString(),
    });
    const failed = await signToken(
      { kid: 'failure-key-1', alg: 'ES256', privateKey: failure.privateKey },
      claims(),
      'active-key-1',
    );
    await expect(check(failed)).resolves.toMatchObject({ reason: 'failure-token' });
  });

  it('refuses a guessed HS256 secret', async () => {
    const { check } = setup('HS256');
    const token = await new SignJWT({ ...claims() })
      .setProtectedHeader({ alg: 'HS256', typ: 'tessera+jwt', kid: 'active-key-1' })
      .sign(createHmac('sha256', 'guess').digest());
    await expect(check(token)).resolves.toMatchObject({ valid: false, reason: 'bad-signature' });
  });

  it('checks exp and iat with the skew', async () => {
    const { signer, check } = setup();
    const token = await signToken(signer, claims(now, 300));
    await expect(check(token, now + 329_000)).resolves.toMatchObject({ valid: true });
    await expect(check(token, now + 331_000)).resolves.toMatchObject({ valid: false, reason: 'expired' });
    await expect(check(await signToken(signer, claims(now + 60_000)))).resolves.toMatchObject({
      reason: 'not-yet-valid',
    });
  });

  it('refuses the tokens of a revoked key even when well signed', async () => {
    const { keys, material, signer, check } = setup();
    keys.applySigningKey('acme', event('active-key-1', material, 'revoked'));
    await expect(check(await signToken(signer, claims()))).resolves.toMatchObject({
      valid: false,
      reason: 'revoked-key',
    });
  });

  it.each(['reg', 'ipk', 'did', 'jti', 'sub'])('refuses a well-signed token without %s', async (claim) => {
    const { material, check } = setup();
    const partial = Object.fromEntries(Object.entries(claims()).filter(([name]) => name !== claim));
    const token = await new SignJWT(partial)
      .setProtectedHeader({ alg: 'ES256', typ: 'tessera+jwt', kid: 'active-key-1' })
      .sign(material.privateKey);
    await expect(check(token)).resolves.toMatchObject({ valid: false, reason: 'malformed' });
  });

  it('refuses another audience with wrong-audience', async () => {
    const { keys, signer } = setup();
    const token = await signToken(signer, claims());
    await expect(new SignatureChecker(keys).check(token, ['tessera:globex'], now, SKEW)).resolves.toMatchObject({
      valid: false,
      reason: 'wrong-audience',
    });
  });
});
