import { generateKeyPairSync } from 'node:crypto';
import type { PinConfig } from '@tessera/contracts';
import { signPinConfig } from '@tessera/pins/portable';

/** For tests only (Node): the pins service's signing key, its JWKS as the app ships it, and configs it signs. */
export const PIN_APP_ID = '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
export const PIN_NOW = 1_796_000_000_000;

export function pinsSigner(kid = 'pins-1') {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as Record<'kty' | 'crv' | 'x' | 'y', string>;
  const keys = { keys: [{ kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }] };
  const sign = (config: Partial<PinConfig> & Pick<PinConfig, 'version' | 'domains'>) =>
    signPinConfig(
      {
        tenant: 'acme',
        appId: PIN_APP_ID,
        iat: Math.floor(PIN_NOW / 1000) - 60,
        exp: Math.floor(PIN_NOW / 1000) + 7 * 24 * 3600,
        ...config,
      },
      { privateKey, kid },
    );
  return { keys, sign };
}
