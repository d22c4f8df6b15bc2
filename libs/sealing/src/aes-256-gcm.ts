import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';

/** AES-256-GCM with the parameters every sealed value uses: a 96-bit IV and a 128-bit tag. */
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export interface GcmOutput {
  ciphertext: Buffer;
  tag: Buffer;
}

/** Encrypts under `iv`, which must never repeat for one key (callers pass a fresh random IV). */
export function gcmEncrypt(key: KeyObject, iv: Buffer, plaintext: Buffer, aad: Buffer): GcmOutput {
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

/**
 * Decrypts and verifies; throws (node's own error) when the tag does not verify. `authTagLength` makes node refuse
 * a truncated tag instead of checking only its first bytes.
 */
export function gcmDecrypt(key: KeyObject, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
