import { flatten, formatTime, formatValue } from './format';

describe('formatTime', () => {
  it('is ISO-8601 UTC to the second, whatever the zone or offset given', () => {
    expect(formatTime('2026-11-22T04:08:59.105Z')).toBe('2026-11-22T04:08:59Z');
    expect(formatTime('2026-11-22T05:08:59+01:00')).toBe('2026-11-22T04:08:59Z');
  });

  it('shows nothing as - and leaves what is not a time as it is', () => {
    expect(formatTime(null)).toBe('-');
    expect(formatTime(undefined)).toBe('-');
    expect(formatTime('soon')).toBe('soon');
  });
});

describe('formatValue and flatten', () => {
  it('renders leaves as text and nested objects as dotted paths', () => {
    expect(formatValue(null)).toBe('-');
    expect(formatValue(600)).toBe('600');
    expect(formatValue(false)).toBe('false');
    expect(formatValue(['a'])).toBe('["a"]');
    expect(flatten({ evidence: { sdk: 'required' }, tokenLifetimeSeconds: 600, empty: {} })).toEqual([
      ['evidence.sdk', 'required'],
      ['tokenLifetimeSeconds', 600],
      ['empty', {}],
    ]);
  });
});
