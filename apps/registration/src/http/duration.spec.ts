import { MAX_DURATION_MS, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['600s', 600_000],
    ['1s', 1_000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['3650d', MAX_DURATION_MS],
    ['0010m', 600_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each(['', '600', 's', '10 s', ' 10s', '10S', '1.5h', '-5m', '5w', '1h30m', '10ms', '1234567890123s'])(
    'refuses %j with the expected format',
    (text) => {
      expect(parseDuration(text)).toEqual({ ok: false, problem: 'expected a duration such as 600s, 30m, 12h or 7d' });
    },
  );

  it('refuses zero and anything over ten years', () => {
    expect(parseDuration('0s')).toEqual({ ok: false, problem: 'must be at least 1s' });
    expect(parseDuration('3651d')).toEqual({ ok: false, problem: 'must be at most 3650d (10 years)' });
    expect(parseDuration('87601h')).toEqual({ ok: false, problem: 'must be at most 3650d (10 years)' });
  });
});
