import { RecentIds } from './recent-ids';

describe('RecentIds', () => {
  it('remembers up to its capacity, forgetting the oldest first', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'd']) ids.add(id);
    expect(ids.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].filter((id) => ids.has(id))).toEqual(['b', 'c', 'd']);
    ids.add('e');
    expect(ids.has('b')).toBe(false);
    expect(ids.has('e')).toBe(true);
  });

  it('keeps the place of an id added again', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    ids.add('a');
    ids.add('c');
    expect(ids.has('a')).toBe(false);
    expect(ids.has('b')).toBe(true);
    expect(ids.has('c')).toBe(true);
  });

  it('forgets the oldest at about the cost of remembering, however many it forgot before', () => {
    const capacity = 50_000;
    const ids = new RecentIds(capacity);
    const timeAdding = (from: number) => {
      const start = process.hrtime.bigint();
      for (let i = from; i < from + capacity; i++) ids.add(`id-${i}`);
      return Number(process.hrtime.bigint() - start);
    };
    const filling = timeAdding(0);
    const forgetting = [1, 2, 3].map((round) => timeAdding(round * capacity));
    // A Map whose oldest key is found by iterating skips every deletion so far: rounds 30-100 times the filling.
    // The fastest round, since a busy machine only ever slows one down.
    expect(Math.min(...forgetting)).toBeLessThan(filling * 8);
    expect(ids.size).toBe(capacity);
    expect(ids.has(`id-${4 * capacity - 1}`)).toBe(true);
    expect(ids.has(`id-${3 * capacity - 1}`)).toBe(false);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecentIds(0)).toThrow('positive integer');
    expect(() => new RecentIds(1.5)).toThrow('positive integer');
  });
});
