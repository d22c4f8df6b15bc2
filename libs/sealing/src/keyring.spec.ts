import { randomBytes } from 'node:crypto';
import { SealedValueSchema, type SealedValue } from '@tessera/contracts';
import { KeyEncryptionKey } from './key-encryption-key';
import { Keyring } from './keyring';
import { SealingError, type SealingFailure } from './sealing-error';

const kek = (id: string) => KeyEncryptionKey.fromBytes(id, randomBytes(32));
const AAD = 'acme/7a1f7d9e-3b7c-4a51-9d43-1c0ad1a6e0b2/PAYMENTS_API_KEY';
const SECRET = 'sk_live_the-plaintext-never-leaves';

function failure(open: () => unknown): SealingError {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(SealingError);
    return error as SealingError;
  }
  throw new Error('expected the sealed value not to open');
}

/** Flips one bit of a base64 field, keeping it valid base64 of the same length. */
function flip(field: string, byte = 0): string {
  const bytes = Buffer.from(field, 'base64');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('Keyring', () => {
  const current = kek('kek-2026-11');
  const keyring = new Keyring(current);

  it('seals and opens a string or bytes, with the contract’s shape', () => {
    const sealed = keyring.seal(SECRET, AAD);
    expect(SealedValueSchema.parse(sealed)).toEqual(sealed);
    expect(sealed).toMatchObject({ alg: 'A256GCM', kekId: 'kek-2026-11' });
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(keyring.open(sealed, AAD).toString('utf8')).toBe(SECRET);
    const bytes = randomBytes(100);
    expect(keyring.open(keyring.seal(bytes, AAD), AAD).equals(bytes)).toBe(true);
    expect(keyring.open(keyring.seal('', AAD), AAD)).toHaveLength(0);
  });

  it('never shows the plaintext in the sealed value', () => {
    const sealed = keyring.seal(SECRET, AAD);
    const text = JSON.stringify(sealed);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
  });

  it('uses a fresh IV for every seal', () => {
    const ivs = new Set(Array.from({ length: 200 }, () => keyring.seal(SECRET, AAD).iv));
    expect(ivs.size).toBe(200);
  });

  it('binds the value to its additional data: copied to another app or name, it does not open', () => {
    const sealed = keyring.seal(SECRET, AAD);
    for (const elsewhere of [
      'acme/7a1f7d9e-3b7c-4a51-9d43-1c0ad1a6e0b2/OTHER_NAME',
      'acme/00000000-0000-4000-8000-000000000000/PAYMENTS_API_KEY',
      'globex/7a1f7d9e-3b7c-4a51-9d43-1c0ad1a6e0b2/PAYMENTS_API_KEY',
    ]) {
      expect(failure(() => keyring.open(sealed, elsewhere)).failure).toBe('authentication-failed');
    }
  });

  it('refuses empty additional data: a value is always bound to where it belongs', () => {
    expect(() => keyring.seal(SECRET, '')).toThrow(/additional data/);
  });

  const sealed = () => keyring.seal(SECRET, AAD);
  it.each<[string, () => SealedValue, SealingFailure]>([
    [
      'a flipped ciphertext bit',
      () => ({ ...sealed(), ciphertext: flip(sealed().ciphertext, 3) }),
      'authentication-failed',
    ],
    ['a flipped tag bit', () => ({ ...sealed(), tag: flip(sealed().tag, 15) }), 'authentication-failed'],
    ['a flipped IV bit', () => ({ ...sealed(), iv: flip(sealed().iv, 11) }), 'authentication-failed'],
    ['another value’s tag', () => ({ ...sealed(), tag: sealed().tag }), 'authentication-failed'],
    [
      'a truncated ciphertext',
      () => ({ ...sealed(), ciphertext: Buffer.from(sealed().ciphertext, 'base64').subarray(1).toString('base64') }),
      'authentication-failed',
    ],
    [
      'a truncated tag',
      () => ({ ...sealed(), tag: Buffer.from(sealed().tag, 'base64').subarray(0, 12).toString('base64') }),
      'malformed',
    ],
    ['a short IV', () => ({ ...sealed(), iv: randomBytes(8).toString('base64') }), 'malformed'],
    ['an IV that is not base64', () => ({ ...sealed(), iv: '!!!!!!!!!!!!!!!!' }), 'malformed'],
    ['another algorithm', () => ({ ...sealed(), alg: 'A128GCM' as 'A256GCM' }), 'malformed'],
    ['an unknown KEK id', () => ({ ...sealed(), kekId: 'kek-1999-01' }), 'unknown-kek'],
  ])('refuses %s with a typed error', (_what, tampered, expected) => {
    expect(failure(() => keyring.open(tampered(), AAD)).failure).toBe(expected);
  });

  it('refuses a value sealed under another KEK of the same id (a wrong key)', () => {
    const impostor = new Keyring(kek('kek-2026-11'));
    const error = failure(() => keyring.open(impostor.seal(SECRET, AAD), AAD));
    expect(error.failure).toBe('authentication-failed');
  });

  it('keeps key material and plaintext out of every error', () => {
    const material = randomBytes(32);
    const own = new Keyring(KeyEncryptionKey.fromBytes('k', material));
    const value = own.seal(SECRET, AAD);
    const errors = [
      failure(() => own.open({ ...value, tag: flip(value.tag) }, AAD)),
      failure(() => own.open(value, 'wrong')),
      failure(() => own.open({ ...value, kekId: 'x' }, AAD)),
      failure(() => own.open({ ...value, iv: 'AA==' }, AAD)),
    ];
    for (const error of errors) {
      const shown = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)} ${String(error.cause)}`;
      for (const secret of [SECRET, material.toString('base64'), material.toString('hex'), value.ciphertext]) {
        expect(shown).not.toContain(secret);
      }
      expect(error.cause).toBeUndefined();
    }
  });

  describe('KEK rotation', () => {
    const old = kek('kek-2026-05');
    const before = new Keyring(old);
    const sealedBefore = before.seal(SECRET, AAD);
    const after = new Keyring(kek('kek-2026-11'), [old]);

    it('opens a value sealed under the previous KEK', () => {
      expect(after.open(sealedBefore, AAD).toString('utf8')).toBe(SECRET);
      expect(after.isSealedWithPrevious(sealedBefore)).toBe(true);
    });

    it('seals new values under the new KEK only', () => {
      const sealedAfter = after.seal(SECRET, AAD);
      expect(sealedAfter.kekId).toBe('kek-2026-11');
      expect(after.currentKekId).toBe('kek-2026-11');
      expect(after.isSealedWithPrevious(sealedAfter)).toBe(false);
      expect(failure(() => before.open(sealedAfter, AAD)).failure).toBe('unknown-kek');
    });

    it('stops opening values of a KEK once it is removed from the previous list', () => {
      const later = new Keyring(kek('kek-2027-05'), []);
      expect(failure(() => later.open(sealedBefore, AAD)).failure).toBe('unknown-kek');
    });

    it('refuses a KEK id configured twice', () => {
      expect(() => new Keyring(kek('a'), [kek('b'), kek('a')])).toThrow(/a is configured twice/);
    });
  });
});
