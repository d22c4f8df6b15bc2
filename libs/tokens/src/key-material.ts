import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { type PublicJwk, PublicJwkSchema, type SigningAlgorithm } from '@tessera/contracts';

/** HS256 secrets are 256 bits, the size RFC 7518 §3.2 asks for at least. */
const HS256_SECRET_BYTES = 32;

/**
 * A signing key's material: the private key (a secret key for HS256) and, for ES256 and EdDSA, the public JWK the
 * JWKS and the key events carry. `privateBytes` is what gets sealed at rest: PKCS#8 DER, or the raw HS256 secret.
 */
export interface KeyMaterial {
  readonly alg: SigningAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: PublicJwk | null;
  privateBytes(): Buffer;
}

export function generateKeyMaterial(alg: SigningAlgorithm): KeyMaterial {
  switch (alg) {
    case 'ES256':
      return asymmetric(alg, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    case 'EdDSA':
      return asymmetric(alg, generateKeyPairSync('ed25519').privateKey);
    case 'HS256':
      return symmetric(randomBytes(HS256_SECRET_BYTES));
  }
}

/** Material back from its sealed bytes (PKCS#8 DER, or the HS256 secret); refuses a key of another algorithm. */
export function importKeyMaterial(alg: SigningAlgorithm, bytes: Buffer): KeyMaterial {
  if (alg === 'HS256') {
    if (bytes.length !== HS256_SECRET_BYTES) throw new Error('an HS256 secret is 32 bytes');
    return symmetric(bytes);
  }
  const privateKey = createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
  const material = asymmetric(alg, privateKey);
  return material;
}

/** A verification key from a published JWK, checked to be of the algorithm's curve. */
export function publicKeyFromJwk(alg: 'ES256' | 'EdDSA', jwk: PublicJwk): KeyObject {
  const parsed = PublicJwkSchema.parse(jwk);
  if ((alg === 'ES256') !== (parsed.kty === 'EC')) throw new Error(`a ${parsed.kty} key does not sign ${alg}`);
  return createPublicKey({ key: parsed, format: 'jwk' });
}

function asymmetric(alg: 'ES256' | 'EdDSA', privateKey: KeyObject): KeyMaterial {
  const expected = alg === 'ES256' ? 'ec' : 'ed25519';
  if (privateKey.asymmetricKeyType !== expected)
    throw new Error(`the key is ${privateKey.asymmetricKeyType}, not ${expected}`);
  if (alg === 'ES256' && privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('ES256 keys are on P-256');
  }
  const publicKey = createPublicKey(privateKey);
  const exported = publicKey.export({ format: 'jwk' });
  const publicJwk = PublicJwkSchema.parse(
    alg === 'ES256'
      ? { kty: exported.kty, crv: exported.crv, x: exported.x, y: exported.y }
      : { kty: exported.kty, crv: exported.crv, x: exported.x },
  );
  return {
    alg,
    privateKey,
    publicKey,
    publicJwk,
    privateBytes: () => privateKey.export({ format: 'der', type: 'pkcs8' }),
  };
}

function symmetric(secret: Buffer): KeyMaterial {
  const key = createSecretKey(Buffer.from(secret));
  return { alg: 'HS256', privateKey: key, publicKey: key, publicJwk: null, privateBytes: () => key.export() };
}
