import { randomBytes } from 'node:crypto';

/** A new key id: 12 random bytes, 16 base64url characters. Random, so a kid says nothing about its key. */
export function newKeyId(): string {
  return randomBytes(12).toString('base64url');
}
