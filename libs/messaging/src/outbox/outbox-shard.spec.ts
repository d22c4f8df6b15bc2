import { lockKey, outboxChannel, OUTBOX_SHARDS, outboxShard } from './outbox-shard';

describe('outboxShard', () => {
  it('puts one key always in one shard', () => {
    expect(outboxShard('tessera.revocations.v1', 'acme/revocation/1')).toBe(
      outboxShard('tessera.revocations.v1', 'acme/revocation/1'),
    );
  });

  it('spreads keys over every shard', () => {
    const used = new Set<number>();
    for (let i = 0; i < 2000; i++) used.add(outboxShard('t', `key-${i}`));
    expect([...used].sort((a, b) => a - b)).toEqual([...Array(OUTBOX_SHARDS).keys()]);
  });

  it('separates topic and key so that ("ab","c") and ("a","bc") differ', () => {
    const pairs = Array.from({ length: 50 }, (_, i) => [outboxShard(`ab${i}`, 'c'), outboxShard('a', `b${i}c`)]);
    expect(pairs.some(([x, y]) => x !== y)).toBe(true);
  });
});

describe('lockKey', () => {
  it('is a signed 32-bit integer, as pg_advisory_lock(int, int) wants', () => {
    for (const text of ['a', 'tessera-outbox-shard:registration', 'x'.repeat(1000)]) {
      const key = lockKey(text);
      expect(Number.isInteger(key)).toBe(true);
      expect(key).toBeGreaterThanOrEqual(-(2 ** 31));
      expect(key).toBeLessThan(2 ** 31);
    }
  });
});

describe('outboxChannel', () => {
  it('names the channel after the schema', () => {
    expect(outboxChannel('registration')).toBe('tessera_outbox_registration');
  });

  it('refuses a schema whose channel Postgres would truncate', () => {
    expect(() => outboxChannel('s'.repeat(49))).toThrow(/too long/);
    expect(outboxChannel('s'.repeat(48))).toHaveLength(63);
  });
});
