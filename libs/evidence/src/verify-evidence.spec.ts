import { SDK_EVIDENCE_TYPE, SdkEvidencePayloadSchema } from '@tessera/contracts';
import { decodeProtectedHeader } from 'jose';
import { installationIdOf } from './installation-id';
import { signSdkEvidence } from './sign-evidence';
import { evidencePayload, installationKey } from './testing/evidence-fixtures';
import { ecKey, encodeJson, rawEs256 } from './testing/raw-jws';
import { verifySdkEvidence } from './verify-evidence';

const payload = evidencePayload();

describe('signing SDK evidence', () => {
  it('writes a compact JWS whose header is exactly alg, typ and the public key, and which verifies', async () => {
    const key = await installationKey();
    const jws = await signSdkEvidence(payload, key);
    const { kty, crv, x, y } = key.publicJwk;
    expect(decodeProtectedHeader(jws)).toStrictEqual({ alg: 'ES256', typ: SDK_EVIDENCE_TYPE, jwk: { kty, crv, x, y } });
    await expect(verifySdkEvidence(jws)).resolves.toStrictEqual({
      ok: true,
      installationId: await installationIdOf(key.publicJwk),
      payload,
      publicJwk: { kty, crv, x, y },
    });
  });

  it('signs with a node:crypto KeyObject as well as a WebCrypto CryptoKey', async () => {
    const key = ecKey();
    await expect(verifySdkEvidence(await signSdkEvidence(payload, key))).resolves.toMatchObject({ ok: true, payload });
  });

  it('puts only the RFC 7638 members of the key in the header', async () => {
    const key = await installationKey();
    const jws = await signSdkEvidence(payload, { ...key, publicJwk: { ...key.publicJwk, kid: 'k1', alg: 'ES256' } });
    expect(Object.keys(decodeProtectedHeader(jws).jwk ?? {}).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  });

  it('refuses a payload the contract refuses, naming the member', async () => {
    const key = await installationKey();
    await expect(signSdkEvidence({ ...payload, nonce: 'short' }, key)).rejects.toThrow(/payload invalid: nonce/);
  });

  it('refuses a key that is not a public EC P-256 JWK', async () => {
    const key = await installationKey();
    const { d } = ecKey().privateKey.export({ format: 'jwk' });
    await expect(signSdkEvidence(payload, { ...key, publicJwk: { ...key.publicJwk, d } })).rejects.toThrow(/"d"/);
    await expect(signSdkEvidence(payload, { ...key, publicJwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } })).rejects.toThrow(
      /public EC P-256 JWK/,
    );
  });
});

describe('verifying SDK evidence', () => {
  const signer = ecKey();
  const header = { alg: 'ES256', typ: SDK_EVIDENCE_TYPE, jwk: signer.publicJwk };
  const withJwk = (jwk: object) =>
    rawEs256({ ...header, jwk: { ...signer.publicJwk, ...jwk } }, payload, signer.privateKey);

  it('accepts the optional JWK members kid, alg ES256 and use sig; the id is the same without them', async () => {
    const plain = await verifySdkEvidence(withJwk({}));
    const annotated = await verifySdkEvidence(withJwk({ kid: 'installation-1', alg: 'ES256', use: 'sig' }));
    expect(plain.ok && annotated.ok).toBe(true);
    expect(annotated).toMatchObject({ installationId: (plain as { installationId: string }).installationId });
    // The key handed on is RFC 7638's members only.
    expect(annotated).toMatchObject({ publicJwk: signer.publicJwk });
  });

  it.each([
    ['alg other than ES256', { alg: 'ES384' }],
    ['use other than sig', { use: 'enc' }],
    ['key_ops', { key_ops: ['verify'] }],
    ['ext', { ext: true }],
    ['x5c', { x5c: ['MIIB'] }],
    ['x5u', { x5u: 'https://evil.example/cert.pem' }],
    ['an empty kid', { kid: '' }],
  ])('refuses a header JWK with %s', async (_what, members) => {
    await expect(verifySdkEvidence(withJwk(members))).resolves.toMatchObject({
      ok: false,
      reason: 'malformed-evidence',
      detail: expect.stringMatching(/^header: jwk/) as unknown,
    });
  });

  it('refuses a coordinate in a non-canonical base64url encoding (the same key, another thumbprint)', async () => {
    const x = signer.publicJwk.x;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Setting the unused low bits of the last character decodes to the same 32 bytes.
    const nonCanonical = x.slice(0, -1) + alphabet[alphabet.indexOf(x.at(-1)!) + 1]!;
    expect(Buffer.from(nonCanonical, 'base64url')).toEqual(Buffer.from(x, 'base64url'));
    await expect(verifySdkEvidence(withJwk({ x: nonCanonical }))).resolves.toMatchObject({
      ok: false,
      reason: 'malformed-evidence',
      detail: expect.stringMatching(/jwk.x/) as unknown,
    });
  });

  it('hands on the claimed payload with a bad signature, and never with malformed evidence', async () => {
    const [h, , s] = rawEs256(header, payload, signer.privateKey).split('.');
    const claimed = { ...payload, appId: '00000000-0000-4000-8000-000000000000' };
    await expect(verifySdkEvidence(`${h}.${encodeJson(claimed)}.${s}`)).resolves.toStrictEqual({
      ok: false,
      reason: 'bad-signature',
      detail: expect.any(String) as unknown,
      claimed,
    });
    const malformed = await verifySdkEvidence(`${h}.${encodeJson({ ...claimed, extra: 1 })}.${s}`);
    expect(malformed).toMatchObject({ ok: false, reason: 'malformed-evidence' });
    expect(malformed).not.toHaveProperty('claimed');
  });

  it('refuses a payload member named __proto__ like any unknown member', async () => {
    const body = JSON.stringify(payload).replace(/^\{/, '{"__proto__":{"admin":true},');
    await expect(verifySdkEvidence(rawEs256(header, body, signer.privateKey))).resolves.toMatchObject({
      ok: false,
      reason: 'malformed-evidence',
      detail: expect.stringMatching(/__proto__/) as unknown,
    });
  });

  it('keeps the detail short, however long the input', async () => {
    const noisy = rawEs256({ ...header, [`x${'y'.repeat(5000)}`]: 1 }, payload, signer.privateKey);
    const verification = await verifySdkEvidence(noisy);
    expect(verification).toMatchObject({ ok: false, reason: 'malformed-evidence' });
    expect((verification as { detail: string }).detail.length).toBeLessThanOrEqual(301);
  });

  it('decides as the plain schema does (the compiled one is an optimisation only)', async () => {
    const cases = [
      payload,
      { ...payload, iat: -1 },
      { ...payload, app: { platform: 'ios' } },
      { ...payload, binding: 'x' },
    ];
    for (const candidate of cases) {
      const verification = await verifySdkEvidence(rawEs256(header, candidate, signer.privateKey));
      expect(verification.ok).toBe(SdkEvidencePayloadSchema.safeParse(candidate).success);
    }
  });

  it('never throws: not a string, random text, and every one-character corruption of genuine evidence', async () => {
    const genuine = await signSdkEvidence(payload, signer);
    const inputs: unknown[] = [undefined, null, 42, {}, ['a.b.c'], '.', '..', '...', 'a.b.c', '\u0000.\u0000.\u0000'];
    for (let i = 0; i < 200; i++) {
      inputs.push(Array.from({ length: i }, () => String.fromCharCode(32 + Math.floor(Math.random() * 95))).join(''));
    }
    for (let i = 0; i < genuine.length; i++) {
      inputs.push(genuine.slice(0, i) + (genuine[i] === 'A' ? 'B' : 'A') + genuine.slice(i + 1));
    }
    for (const input of inputs) {
      const verification = await verifySdkEvidence(input as string);
      if (!verification.ok) expect(['malformed-evidence', 'bad-signature']).toContain(verification.reason);
      else expect(verification.payload).toEqual(payload);
    }
  });
});
