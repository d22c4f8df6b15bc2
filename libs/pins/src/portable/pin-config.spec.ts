import { PIN_CONFIG_TYPE, PinConfigKeySetSchema } from '@tessera/contracts';
import { decodeProtectedHeader } from 'jose';
import { signPinConfig } from './sign-pin-config';
import { CONFIG_APP_ID, CONFIG_NOW, configKey, pinConfig } from './testing/pin-config-fixtures';
import { verifyPinConfig } from './verify-pin-config';

const current = configKey('pins-2026');
const next = configKey('pins-2027');
const options = { keys: current.keySet, tenant: 'acme', appId: CONFIG_APP_ID, now: CONFIG_NOW };

describe('signPinConfig and verifyPinConfig', () => {
  it('signs with exactly the header the verifier takes, and the config round-trips', async () => {
    const jws = await signPinConfig(pinConfig(), { privateKey: current.privateKey, kid: current.kid });
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'ES256', typ: PIN_CONFIG_TYPE, kid: 'pins-2026' });
    await expect(verifyPinConfig(jws, options)).resolves.toEqual({ ok: true, config: pinConfig() });
  });

  it('finds the key by kid in a key set of several (a signing key rotation)', async () => {
    const keys = { keys: [current.publicJwk, next.publicJwk] };
    const jws = await signPinConfig(pinConfig(), { privateKey: next.privateKey, kid: next.kid });
    await expect(verifyPinConfig(jws, { ...options, keys })).resolves.toMatchObject({ ok: true });
    await expect(verifyPinConfig(jws, options)).resolves.toMatchObject({ ok: false, reason: 'unknown-key' });
  });

  it('takes a newer version than the one had, and any version when none is had', async () => {
    const jws = await signPinConfig(pinConfig({ version: 7 }), { privateKey: current.privateKey, kid: current.kid });
    await expect(verifyPinConfig(jws, { ...options, newerThan: 6 })).resolves.toMatchObject({ ok: true });
    await expect(verifyPinConfig(jws, { ...options, newerThan: 7 })).resolves.toMatchObject({ reason: 'not-newer' });
  });

  it('takes an expired config only when told to, and still refuses everything else about it', async () => {
    const key = { privateKey: current.privateKey, kid: current.kid };
    const expired = await signPinConfig(pinConfig({ exp: CONFIG_NOW / 1000 - 1 }), key);
    await expect(verifyPinConfig(expired, options)).resolves.toMatchObject({ ok: false, reason: 'expired' });
    await expect(verifyPinConfig(expired, { ...options, acceptExpired: true })).resolves.toMatchObject({ ok: true });
    const tampered = `${expired.slice(0, -4)}AAAA`;
    await expect(verifyPinConfig(tampered, { ...options, acceptExpired: true })).resolves.toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses to sign what no device would accept', async () => {
    const key = { privateKey: current.privateKey, kid: current.kid };
    await expect(signPinConfig(pinConfig({ version: -1 }), key)).rejects.toThrow(/pin config invalid: version/);
    await expect(signPinConfig(pinConfig({ exp: 1, iat: 2 }), key)).rejects.toThrow(/exp must come after iat/);
    await expect(signPinConfig(pinConfig(), { ...key, kid: '' })).rejects.toThrow(/needs a kid/);
  });

  it('reads a pins JWKS: public P-256 keys with distinct kids', () => {
    expect(PinConfigKeySetSchema.safeParse(current.keySet).success).toBe(true);
    expect(PinConfigKeySetSchema.safeParse({ keys: [current.publicJwk, current.publicJwk] }).success).toBe(false);
    const d = current.privateKey.export({ format: 'jwk' }).d;
    expect(PinConfigKeySetSchema.safeParse({ keys: [{ ...current.publicJwk, d }] }).success).toBe(false);
    expect(PinConfigKeySetSchema.safeParse({ keys: [] }).success).toBe(false);
  });
});
