import { duration, MAX_DURATION_MS, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['600s', 600_000],
    ['1s', 1000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['3650d', 315_360_000_000],
    ['87600h', 315_360_000_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '600', 's', '10 s', '1.5h', '-5m', '0s', '05m', '1w', '10S', '1h30m', ' 1h', '99999999999s'])(
    'refuses %j, saying what it expects',
    (text) => {
      expect(() => parseDuration(text)).toThrow(/expected a duration such as 600s, 30m, 12h or 7d/);
    },
  );

  it('refuses more than 10 years', () => {
    expect(parseDuration('3650d')).toBe(MAX_DURATION_MS);
    expect(() => parseDuration('3651d')).toThrow('expected a duration from 1s to 3650d (10 years)');
    expect(() => parseDuration('315360001s')).toThrow('expected a duration from 1s to 3650d (10 years)');
  });
});

describe('the duration field', () => {
  it('parses to milliseconds and reports problems as zod issues', () => {
    expect(duration.parse('10m')).toBe(600_000);
    const refused = duration.safeParse('soon');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('expected a duration such as 600s, 30m, 12h or 7d');
    expect(duration.safeParse(600).error?.issues[0]?.message).toBe('expected a duration such as 600s, 30m, 12h or 7d');
  });
});
