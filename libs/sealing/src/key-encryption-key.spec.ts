import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { KeyEncryptionKey, parseKek, parseKekList } from './key-encryption-key';
import { KekFormatError } from './sealing-error';

const material = randomBytes(32).toString('base64');

function refusal(text: string): KekFormatError {
  try {
    parseKek(text);
  } catch (error) {
    expect(error).toBeInstanceOf(KekFormatError);
    return error as KekFormatError;
  }
  throw new Error('expected the KEK to be refused');
}

describe('parseKek', () => {
  it('reads <kek id>:<base64 of 32 bytes>', () => {
    const kek = parseKek(`kek-2026-11:${material}`);
    expect(kek.id).toBe('kek-2026-11');
    expect(kek.keyObject.export().toString('base64')).toBe(material);
  });

  it.each([
    ['no id', material, /<kek id>:<base64 of 32 bytes>/],
    ['an empty id', `:${material}`, /KEK id/],
    ['an id with spaces', `my kek:${material}`, /KEK id/],
    ['an id too long', `${'k'.repeat(65)}:${material}`, /KEK id/],
    ['16 bytes', `k1:${randomBytes(16).toString('base64')}`, /exactly 32 bytes/],
    ['33 bytes', `k1:${randomBytes(33).toString('base64')}`, /exactly 32 bytes/],
    ['base64url', `k1:${randomBytes(32).toString('base64url')}`, /standard base64/],
    ['hex', `k1:${randomBytes(32).toString('hex')}`, /./],
    ['nothing after the colon', 'k1:', /exactly 32 bytes/],
  ])('refuses %s, naming the problem and never the key', (_what, text, problem) => {
    const error = refusal(text);
    expect(error.message).toMatch(problem);
    const secret = text.slice(text.indexOf(':') + 1);
    if (secret.length > 0) expect(error.message).not.toContain(secret);
  });

  it('never shows the key bytes when logged, inspected or serialised', () => {
    const kek = parseKek(`k1:${material}`);
    expect(JSON.stringify({ kek })).toBe('{"kek":{"kekId":"k1"}}');
    expect(inspect(kek)).toBe('KeyEncryptionKey(k1)');
    expect(inspect({ config: { kek } }, { depth: 10 })).not.toContain(material);
  });

  it('refuses a key object of the wrong size', () => {
    expect(() => KeyEncryptionKey.fromBytes('k1', randomBytes(31))).toThrow(KekFormatError);
  });
});

describe('parseKekList', () => {
  it('reads a comma-separated list, ignoring blanks', () => {
    const list = parseKekList(` a:${material}, ,b:${randomBytes(32).toString('base64')},`);
    expect(list.map((k) => k.id)).toEqual(['a', 'b']);
  });

  it('is empty for an empty string, and refuses any bad entry', () => {
    expect(parseKekList('')).toEqual([]);
    expect(() => parseKekList(`a:${material},b:short`)).toThrow(KekFormatError);
  });
});
