import { constants, verify, type KeyObject } from 'node:crypto';
import type { ContentDigestAlgorithm } from './chunked-digest';

type KeyKind = 'rsa' | 'ec' | 'dsa';

/** A v2/v3 signature algorithm ID: how to check the signature, and which content digest it commits to. */
export interface SigningAlgorithm {
  id: number;
  name: string;
  hash: 'sha256' | 'sha512';
  keyKind: KeyKind;
  pssSaltLength?: number;
  /** null for the verity algorithms, whose digest is a Merkle tree we do not compute. */
  contentDigest: ContentDigestAlgorithm | null;
}

const ALGORITHMS: SigningAlgorithm[] = [
  {
    id: 0x0101,
    name: 'RSA_PSS_WITH_SHA256',
    hash: 'sha256',
    keyKind: 'rsa',
    pssSaltLength: 32,
    contentDigest: 'sha256',
  },
  {
    id: 0x0102,
    name: 'RSA_PSS_WITH_SHA512',
    hash: 'sha512',
    keyKind: 'rsa',
    pssSaltLength: 64,
    contentDigest: 'sha512',
  },
  { id: 0x0103, name: 'RSA_PKCS1_V1_5_WITH_SHA256', hash: 'sha256', keyKind: 'rsa', contentDigest: 'sha256' },
  { id: 0x0104, name: 'RSA_PKCS1_V1_5_WITH_SHA512', hash: 'sha512', keyKind: 'rsa', contentDigest: 'sha512' },
  { id: 0x0201, name: 'ECDSA_WITH_SHA256', hash: 'sha256', keyKind: 'ec', contentDigest: 'sha256' },
  { id: 0x0202, name: 'ECDSA_WITH_SHA512', hash: 'sha512', keyKind: 'ec', contentDigest: 'sha512' },
  { id: 0x0301, name: 'DSA_WITH_SHA256', hash: 'sha256', keyKind: 'dsa', contentDigest: 'sha256' },
  { id: 0x0421, name: 'VERITY_RSA_PKCS1_V1_5_WITH_SHA256', hash: 'sha256', keyKind: 'rsa', contentDigest: null },
  { id: 0x0423, name: 'VERITY_ECDSA_WITH_SHA256', hash: 'sha256', keyKind: 'ec', contentDigest: null },
  { id: 0x0425, name: 'VERITY_DSA_WITH_SHA256', hash: 'sha256', keyKind: 'dsa', contentDigest: null },
];

export function findSigningAlgorithm(id: number): SigningAlgorithm | undefined {
  return ALGORITHMS.find((algorithm) => algorithm.id === id);
}

const KEY_KINDS: Partial<Record<string, KeyKind>> = { rsa: 'rsa', 'rsa-pss': 'rsa', ec: 'ec', dsa: 'dsa' };

function keyKindOf(key: KeyObject): KeyKind | undefined {
  return key.asymmetricKeyType ? KEY_KINDS[key.asymmetricKeyType] : undefined;
}

/** node:crypto verification; false (never a throw) for a wrong key type or a malformed signature. */
export function verifyWithAlgorithm(
  algorithm: SigningAlgorithm,
  key: KeyObject,
  data: Buffer,
  signature: Buffer,
): boolean {
  if (keyKindOf(key) !== algorithm.keyKind) return false;
  try {
    if (algorithm.pssSaltLength !== undefined) {
      return verify(
        algorithm.hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.pssSaltLength },
        signature,
      );
    }
    return verify(algorithm.hash, data, key, signature);
  } catch {
    return false;
  }
}
