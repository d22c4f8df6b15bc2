import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every API key starts with this, so it is recognisable in a leak scan and in a log that should not hold it. */
export const API_KEY_PREFIX = 'tsk_';

const KEY_ID = /^[0-9a-f]{16}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** A newly made key: the full string is shown once; only `id` and `hash` are stored. */
export interface GeneratedApiKey {
  id: string;
  /** `tsk_<id>_<secret>`: what the caller sends as `Authorization: Bearer ...`. */
  key: string;
  /** SHA-256 of the secret part. The secret is 32 random bytes, so a fast hash is enough (no guessing). */
  hash: Buffer;
}

export function generateApiKey(): GeneratedApiKey {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `${API_KEY_PREFIX}${id}_${secret}`, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Splits a presented key into its id (for the lookup) and secret (for the comparison); undefined if malformed. */
export function parseApiKey(presented: string): { id: string; secret: string } | undefined {
  if (!presented.startsWith(API_KEY_PREFIX)) return undefined;
  const rest = presented.slice(API_KEY_PREFIX.length);
  const id = rest.slice(0, 16);
  const secret = rest.slice(17);
  if (rest.charAt(16) !== '_' || !KEY_ID.test(id) || !SECRET.test(secret)) return undefined;
  return { id, secret };
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const presented = hashSecret(secret);
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}

export interface StoredKeyState {
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** A key authenticates only while neither revoked nor expired. */
export function isKeyUsable(key: StoredKeyState, now: Date = new Date()): boolean {
  if (key.revokedAt !== null && key.revokedAt.getTime() <= now.getTime()) return false;
  if (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime()) return false;
  return true;
}
