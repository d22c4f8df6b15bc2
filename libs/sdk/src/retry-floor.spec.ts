import { TesseraError } from './errors';
import { RetryFloor } from './retry-floor';
import { retryAfterMs } from './service-request';

const http = (retryAfter?: number) => new TesseraError('http', 'down', { status: 503, retryAfterMs: retryAfter });

describe('RetryFloor', () => {
  it('waits 1 s after a failure, doubling up to 60 s, and nothing after a success', () => {
    const floor = new RetryFloor({ random: () => 0 });
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) waits.push(floor.failed(http(), 0).retryAt!);
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(floor.holding(59_999)).toBeInstanceOf(TesseraError);
    expect(floor.holding(60_000)).toBeUndefined();
    floor.succeeded();
    expect(floor.holding(0)).toBeUndefined();
    expect(floor.failed(http(), 0).retryAt).toBe(1_000);
  });

  it('spreads the waits by up to half again', () => {
    expect(new RetryFloor({ random: () => 0.999 }).failed(http(), 0).retryAt).toBe(1_500);
  });

  it('takes a longer Retry-After, up to its own limit', () => {
    expect(new RetryFloor({ random: () => 0 }).failed(http(90_000), 0).retryAt).toBe(90_000);
    expect(new RetryFloor({ random: () => 0 }).failed(http(500), 0).retryAt).toBe(1_000);
    expect(new RetryFloor({ random: () => 0 }).failed(http(86_400_000), 0).retryAt).toBe(600_000);
  });

  it('holds nothing back for failures of the app’s own providers', () => {
    const floor = new RetryFloor();
    const error = new TesseraError('device-signals', 'crashed');
    expect(floor.failed(error, 0)).toBe(error);
    expect(floor.holding(0)).toBeUndefined();
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Wed, 02 Dec 2026 10:00:30 GMT', 30_000],
    ['Wed, 02 Dec 2026 09:00:00 GMT', 0],
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['2026-12-02T10:00:30Z', undefined],
  ])('reads %j as %j ms', (value, expected) => {
    expect(retryAfterMs(value, now)).toBe(expected);
  });

  it('is absent without the header', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
