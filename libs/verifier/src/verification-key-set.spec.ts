import { Keyring, parseKek } from '@tessera/sealing';
import { generateKeyMaterial, inspectToken, signToken } from '@tessera/tokens';
import { randomBytes } from 'node:crypto';
import { genuineClaims, signingKeyEvent } from './testing/token-fixtures';
import { VerificationKeySet } from './verification-key-set';

const claims = () => genuineClaims();
const event = (kid: string, material: ReturnType<typeof generateKeyMaterial>) => signingKeyEvent(kid, material);
const inspect = (keys: VerificationKeySet, token: string) => inspectToken(token, { keys, audience: 'tessera:acme' });

describe('the verification key set', () => {
  it('verifies tokens of the keys the topic published, and refuses them at once when revoked', async () => {
    const keys = new VerificationKeySet();
    const material = generateKeyMaterial('ES256');
    keys.applySigningKey('acme', event('kid-acme-0001', material));
    const token = await signToken({ kid: 'kid-acme-0001', alg: 'ES256', privateKey: material.privateKey }, claims());
    await expect(inspect(keys, token)).resolves.toMatchObject({ valid: true });
    keys.applySigningKey('acme', {
      ...event('kid-acme-0001', material),
      state: 'revoked',
      publicJwk: material.publicJwk,
    });
    await expect(inspect(keys, token)).resolves.toMatchObject({ valid: false, reason: 'revoked-key' });
  });

  it('forgets a key on its tombstone or when retired', async () => {
    const keys = new VerificationKeySet();
    const material = generateKeyMaterial('EdDSA');
    keys.applySigningKey('acme', event('kid-acme-0002', material));
    keys.forget('acme/key/kid-acme-0002');
    expect(keys.find('kid-acme-0002')).toBeUndefined();
    keys.applySigningKey('acme', event('kid-acme-0002', material));
    keys.applySigningKey('acme', { ...event('kid-acme-0002', material), state: 'retired' });
    expect(keys.size).toBe(0);
  });

  it("never lets another tenant's event or tombstone take over a kid", () => {
    const keys = new VerificationKeySet();
    const material = generateKeyMaterial('ES256');
    keys.applySigningKey('acme', event('kid-shared-01', material));
    keys.applySigningKey('globex', { ...event('kid-shared-01', generateKeyMaterial('ES256')), state: 'active' });
    keys.forget('globex/key/kid-shared-01');
    expect(keys.find('kid-shared-01')?.key.equals(material.publicKey)).toBe(true);
  });

  it('opens HS256 secrets with the KEK only, and names failure tokens from failure-key events', async () => {
    const keyring = new Keyring(parseKek(`test:${randomBytes(32).toString('base64')}`));
    const hs = generateKeyMaterial('HS256');
    const sealed = keyring.seal(hs.privateBytes(), 'acme/signing-key/kid-hs256-01');
    const hsEvent = { ...event('kid-hs256-01', hs), sealedSecret: sealed };
    const withKek = new VerificationKeySet(keyring);
    withKek.applySigningKey('acme', hsEvent);
    const token = await signToken({ kid: 'kid-hs256-01', alg: 'HS256', privateKey: hs.privateKey }, claims());
    await expect(inspect(withKek, token)).resolves.toMatchObject({ valid: true });
    const withoutKek = new VerificationKeySet();
    withoutKek.applySigningKey('acme', hsEvent);
    expect(withoutKek.find('kid-hs256-01')).toBeUndefined();

    const es = generateKeyMaterial('ES256');
    const failure = generateKeyMaterial('ES256');
    withKek.applySigningKey('acme', event('kid-acme-0003', es));
    withKek.applyFailureKey({
      failureKeyId: 'failure-key-01',
      alg: 'ES256',
      publicJwk: failure.publicJwk!,
      createdAt: new Date().toISOString(),
      forgetAfter: new Date().toISOString(),
    });
    const failed = await signToken(
      { kid: 'failure-key-01', alg: 'ES256', privateKey: failure.privateKey },
      claims(),
      'kid-acme-0003',
    );
    await expect(inspect(withKek, failed)).resolves.toMatchObject({ valid: false, reason: 'failure-token' });
    withKek.forget('system/failure-key/failure-key-01');
    await expect(inspect(withKek, failed)).resolves.toMatchObject({ valid: false, reason: 'bad-signature' });
  });
});
