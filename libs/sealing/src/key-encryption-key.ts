import { createSecretKey, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { KEY_BYTES } from './aes-256-gcm';
import { decodeBase64 } from './base64';
import { KekFormatError } from './sealing-error';

/** A KEK id: what sealed values name to say which key opens them. Same rule as the contract's `kekId`. */
export const KEK_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A key-encryption key: an id and 32 secret bytes, held as a KeyObject so the bytes never show up when the key
 * (or a configuration holding it) is logged, inspected or serialised: only the id does.
 */
export class KeyEncryptionKey {
  readonly #key: KeyObject;

  constructor(
    readonly id: string,
    key: KeyObject,
  ) {
    if (!KEK_ID_PATTERN.test(id)) throw new KekFormatError('expected a KEK id of 1-64 letters, digits, . _ -');
    if (key.type !== 'secret' || key.symmetricKeySize !== KEY_BYTES)
      throw new KekFormatError(`expected a KEK of exactly ${KEY_BYTES} bytes`);
    this.#key = key;
  }

  static fromBytes(id: string, bytes: Buffer): KeyEncryptionKey {
    if (bytes.length !== KEY_BYTES) throw new KekFormatError(`expected a KEK of exactly ${KEY_BYTES} bytes`);
    return new KeyEncryptionKey(id, createSecretKey(bytes));
  }

  /** For the cipher only. */
  get keyObject(): KeyObject {
    return this.#key;
  }

  toJSON(): { kekId: string } {
    return { kekId: this.id };
  }

  [inspect.custom](): string {
    return `KeyEncryptionKey(${this.id})`;
  }
}

/** Parses `<kek id>:<base64 of exactly 32 bytes>` (TESSERA_KEK). Errors name the problem, never the value. */
export function parseKek(text: string): KeyEncryptionKey {
  const colon = text.indexOf(':');
  if (colon < 0) throw new KekFormatError('expected <kek id>:<base64 of 32 bytes>');
  const id = text.slice(0, colon).trim();
  const encoded = text.slice(colon + 1).trim();
  if (!KEK_ID_PATTERN.test(id))
    throw new KekFormatError('expected a KEK id of 1-64 letters, digits, . _ - before the :');
  const bytes = decodeBase64(encoded);
  if (!bytes) throw new KekFormatError(`expected standard base64 after the KEK id ${id}`);
  try {
    if (bytes.length !== KEY_BYTES)
      throw new KekFormatError(`expected exactly ${KEY_BYTES} bytes of base64 after the KEK id ${id}`);
    return KeyEncryptionKey.fromBytes(id, bytes);
  } finally {
    bytes.fill(0);
  }
}

/** Parses a comma-separated list of KEKs (TESSERA_KEK_PREVIOUS); empty entries are ignored. */
export function parseKekList(text: string): KeyEncryptionKey[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map(parseKek);
}
