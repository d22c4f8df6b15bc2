import { MAX_SECURE_STRING_BYTES, MAX_SECURE_STRINGS } from '../events/secure-string.events';
import { PinConfigResponseSchema, SecureStringsSchema } from './pin-config';

const answer = (overrides: Record<string, unknown> = {}) => ({
  config: 'header.payload.signature',
  version: 4,
  secureStrings: { paymentsApiKey: 'sk_live_1', 'maps.key-2': 'm' },
  ...overrides,
});

describe('PinConfigResponseSchema', () => {
  it('takes the config, the version and the secure strings, and ignores members added later', () => {
    expect(PinConfigResponseSchema.parse({ ...answer(), later: true })).toEqual(answer());
  });

  it.each([
    ['no config', { config: undefined }],
    ['an empty config', { config: '' }],
    ['no version', { version: undefined }],
    ['a negative version', { version: -1 }],
    ['no secure strings', { secureStrings: undefined }],
    ['secure strings as a list', { secureStrings: [['a', 'b']] }],
  ])('refuses %s', (_what, overrides) => {
    expect(PinConfigResponseSchema.safeParse(answer(overrides)).success).toBe(false);
  });
});

describe('SecureStringsSchema', () => {
  it('takes no secure strings at all', () => {
    expect(SecureStringsSchema.parse({})).toEqual({});
  });

  it.each([
    ['a name the registration service refuses (a leading digit)', { '1key': 'v' }],
    ['a name the registration service refuses (a space)', { 'api key': 'v' }],
    ['a name of 65 characters', { [`k${'e'.repeat(64)}`]: 'v' }],
    ['a value that is not a string', { key: 42 }],
  ])('refuses %s', (_what, strings) => {
    expect(SecureStringsSchema.safeParse(strings).success).toBe(false);
  });

  it('leaves out a __proto__ member (no name can be it), prototype untouched', () => {
    const parsed = SecureStringsSchema.parse(JSON.parse('{"__proto__":"v","key":"w"}'));
    expect(Object.keys(parsed)).toEqual(['key']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it('bounds a value by its UTF-8 bytes, as the registration service does, and never quotes it', () => {
    expect(SecureStringsSchema.safeParse({ key: 'a'.repeat(MAX_SECURE_STRING_BYTES) }).success).toBe(true);
    expect(SecureStringsSchema.safeParse({ key: 'é'.repeat(MAX_SECURE_STRING_BYTES / 2) }).success).toBe(true);
    const tooLong = SecureStringsSchema.safeParse({ key: `${'é'.repeat(MAX_SECURE_STRING_BYTES / 2)}x` });
    expect(tooLong.success).toBe(false);
    expect(JSON.stringify(tooLong.error?.issues)).not.toContain('éé');
    expect(SecureStringsSchema.safeParse({ key: '😀'.repeat(MAX_SECURE_STRING_BYTES / 4 + 1) }).success).toBe(false);
  });

  it(`bounds the count at ${MAX_SECURE_STRINGS}`, () => {
    const strings = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));
    expect(SecureStringsSchema.safeParse(strings(MAX_SECURE_STRINGS)).success).toBe(true);
    expect(SecureStringsSchema.safeParse(strings(MAX_SECURE_STRINGS + 1)).success).toBe(false);
  });
});
