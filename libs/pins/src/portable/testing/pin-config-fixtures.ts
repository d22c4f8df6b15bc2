import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { PinConfig } from '@tessera/contracts';

/**
 * For tests only (Node): pin configs and their signing keys, and JWS written by hand, so a test can make what no JOSE
 * library would sign (alg none, HS256 keyed with a public key, a header member the verifier refuses).
 */
export const CONFIG_APP_ID = '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
export const CONFIG_NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

export function pinConfig(overrides: Partial<PinConfig> = {}): PinConfig {
  const iat = Math.floor(CONFIG_NOW / 1000) - 60;
  return {
    tenant: 'acme',
    appId: CONFIG_APP_ID,
    version: 7,
    iat,
    exp: iat + 30 * 24 * 3600,
    domains: [
      { pattern: 'api.example.com', pins: [pinOf('a'), pinOf('b')] },
      { pattern: '*.cdn.example.com', pins: [pinOf('c'), pinOf('d')] },
    ],
    ...overrides,
  };
}

/** A pin-shaped value (44 characters of base64), distinct per seed. */
export function pinOf(seed: string): string {
  return createHmac('sha256', 'pin').update(seed).digest('base64');
}

/** An EC key with its public JWK (the `kid` given) and the JWKS holding it. */
export function configKey(kid: string, namedCurve: 'P-256' | 'P-384' = 'P-256') {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as Record<'kty' | 'crv' | 'x' | 'y', string>;
  const publicJwk = { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' };
  return { privateKey, publicKey, kid, publicJwk, keySet: { keys: [publicJwk] } };
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
export const encodeJson = (value: unknown): string => b64(JSON.stringify(value));

export function rawEs256(header: object, payload: unknown, privateKey: KeyObject, hash = 'sha256'): string {
  const input = `${encodeJson(header)}.${typeof payload === 'string' ? b64(payload) : encodeJson(payload)}`;
  const signature = sign(hash, Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64(signature)}`;
}

export function rawHs256(header: object, payload: unknown, secret: string): string {
  const input = `${encodeJson(header)}.${encodeJson(payload)}`;
  return `${input}.${b64(createHmac('sha256', secret).update(input).digest())}`;
}
