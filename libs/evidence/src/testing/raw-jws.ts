import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/**
 * JWS written by hand, headers and all, so a test can make what no JOSE library would sign: `crit` it does not
 * understand, a private key in the header, a payload that is not JSON.
 */
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

/** An EC key as node:crypto makes it, with its public JWK. */
export function ecKey(namedCurve: 'P-256' | 'P-384' = 'P-256') {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return { privateKey, publicKey, publicJwk: { kty, crv, x, y } as { kty: 'EC'; crv: string; x: string; y: string } };
}
