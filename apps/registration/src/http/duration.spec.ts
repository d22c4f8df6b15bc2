import { z } from 'zod';
import { DurationError, MAX_DURATION_MS, expiryFields, parseDuration, withExpiry } from './duration';

describe('parseDuration', () => {
  it.each([
    ['600s', 600_000],
    ['1s', 1000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['0060s', 60_000],
    ['3650d', MAX_DURATION_MS],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '600', 's', '10 m', '1.5h', '-5s', '5ms', '2w', '1h30m', 'PT10M', '10S', ' 10s'])(
    'refuses %j, saying what a duration looks like',
    (text) => {
      expect(() => parseDuration(text)).toThrow(
        new DurationError('expected a whole number and a unit (s, m, h, d), such as 600s, 30m, 12h or 7d'),
      );
    },
  );

  it('refuses durations under a second and over ten years', () => {
    expect(() => parseDuration('0s')).toThrow('must be at least 1s');
    expect(() => parseDuration('0d')).toThrow('must be at least 1s');
    expect(() => parseDuration('3651d')).toThrow('must be at most 10 years (3650d)');
    expect(() => parseDuration('87601h')).toThrow('must be at most 10 years (3650d)');
    expect(() => parseDuration(`${'9'.repeat(400)}d`)).toThrow('must be at most 10 years (3650d)');
    expect(() => parseDuration('0s')).toThrow(DurationError);
  });
});

describe('withExpiry', () => {
  const Body = withExpiry(z.strictObject({ name: z.string(), ...expiryFields }));
  const problems = (value: unknown) =>
    Body.safeParse(value).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

  it('turns expireAfter into expiresAt from now', () => {
    const before = Date.now();
    const parsed = Body.parse({ name: 'x', expireAfter: '10m' });
    expect(Object.keys(parsed).sort()).toEqual(['expiresAt', 'name']);
    expect(parsed.expiresAt).toBeInstanceOf(Date);
    expect(parsed.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 600_000);
    expect(parsed.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 600_000);
  });

  it('keeps an expiresAt as given, and answers null when neither is given', () => {
    const at = new Date(Date.now() + 86_400_000);
    expect(Body.parse({ name: 'x', expiresAt: at.toISOString() })).toEqual({ name: 'x', expiresAt: at });
    expect(Body.parse({ name: 'x' })).toEqual({ name: 'x', expiresAt: null });
  });

  it('refuses both at once', () => {
    const at = new Date(Date.now() + 86_400_000).toISOString();
    expect(problems({ name: 'x', expireAfter: '1h', expiresAt: at })).toEqual([
      'expiresAt: give expireAfter or expiresAt, not both',
    ]);
  });

  it('names the field of a bad duration or time', () => {
    expect(problems({ name: 'x', expireAfter: '10 minutes' })).toEqual([
      'expireAfter: expected a whole number and a unit (s, m, h, d), such as 600s, 30m, 12h or 7d',
    ]);
    expect(problems({ name: 'x', expireAfter: 600 })).toEqual([
      'expireAfter: expected a duration such as 600s, 30m, 12h or 7d',
    ]);
    expect(problems({ name: 'x', expiresAt: '2001-01-01T00:00:00Z' })).toEqual(['expiresAt: must be in the future']);
    expect(problems({ name: 'x', expiresAt: '2999-01-01T00:00:00Z' })).toEqual([
      'expiresAt: must be at most 10 years ahead',
    ]);
  });

  it('still refuses unknown fields', () => {
    expect(problems({ name: 'x', expireIn: '1h' })).toEqual([': Unrecognized key: "expireIn"']);
  });
});
