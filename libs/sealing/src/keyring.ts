import { randomBytes } from 'node:crypto';
import type { SealedValue } from '@tessera/contracts';
import { gcmDecrypt, gcmEncrypt, IV_BYTES, TAG_BYTES } from './aes-256-gcm';
import { decodeBase64 } from './base64';
import type { KeyEncryptionKey } from './key-encryption-key';
import { SealingError } from './sealing-error';

/**
 * The key-encryption keys of a deployment: the current one seals, the current and every previous one open (the
 * sealed value names its KEK). Rotating: configure a new current KEK and move the old one to the previous list;
 * values sealed before keep opening, and each value re-sealed afterwards uses the new one.
 *
 * The additional data (`aad`) binds a value to where it belongs (e.g. `<tenant>/<app id>/<name>`): a sealed value
 * copied to another place does not open there.
 */
export class Keyring {
  private readonly byId: ReadonlyMap<string, KeyEncryptionKey>;

  constructor(
    private readonly current: KeyEncryptionKey,
    previous: readonly KeyEncryptionKey[] = [],
  ) {
    const byId = new Map<string, KeyEncryptionKey>();
    for (const kek of [current, ...previous]) {
      if (byId.has(kek.id)) throw new Error(`the KEK id ${kek.id} is configured twice`);
      byId.set(kek.id, kek);
    }
    this.byId = byId;
  }

  /** The id of the KEK new values are sealed with. */
  get currentKekId(): string {
    return this.current.id;
  }

  /** Whether a value was sealed under an older KEK and would be re-sealed under the current one. */
  isSealedWithPrevious(sealed: Pick<SealedValue, 'kekId'>): boolean {
    return sealed.kekId !== this.current.id;
  }

  /** Seals under the current KEK with a fresh random 96-bit IV. */
  seal(plaintext: Buffer | string, aad: string): SealedValue {
    const iv = randomBytes(IV_BYTES);
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const { ciphertext, tag } = gcmEncrypt(this.current.keyObject, iv, data, additionalData(aad));
    return {
      alg: 'A256GCM',
      kekId: this.current.id,
      iv: iv.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: tag.toString('base64'),
    };
  }

  /** Opens a value sealed under any configured KEK, with the additional data it was sealed with. */
  open(sealed: SealedValue, aad: string): Buffer {
    // The type says what a SealedValue is; the value itself came from a database or a topic, so check it anyway.
    const candidate = sealed as Partial<Record<keyof SealedValue, unknown>>;
    if (candidate.alg !== 'A256GCM') throw new SealingError('malformed');
    const kek = typeof candidate.kekId === 'string' ? this.byId.get(candidate.kekId) : undefined;
    if (!kek) throw new SealingError('unknown-kek');
    const iv = decodeBase64(candidate.iv);
    const ciphertext = decodeBase64(candidate.ciphertext);
    const tag = decodeBase64(candidate.tag);
    if (iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !ciphertext) throw new SealingError('malformed');
    try {
      return gcmDecrypt(kek.keyObject, iv, ciphertext, tag, additionalData(aad));
    } catch {
      // node's message is generic, but nothing of the original error is kept: a fixed reason is the whole answer.
      throw new SealingError('authentication-failed');
    }
  }
}

function additionalData(aad: string): Buffer {
  if (aad.length === 0) throw new Error('sealing needs additional data naming where the value belongs');
  return Buffer.from(aad, 'utf8');
}
