import { randomUUID } from 'node:crypto';
import { RevocationIdTable } from './revocation-id-table';

describe('RevocationIdTable', () => {
  it('hands out a slot per id, finds it again, and forgets it on release', () => {
    const table = new RevocationIdTable();
    const a = randomUUID();
    const b = randomUUID();
    const slotA = table.add(a);
    const slotB = table.add(b);
    expect(slotA).not.toBe(slotB);
    expect([table.slotOf(a), table.slotOf(b), table.slotOf(randomUUID())]).toEqual([slotA, slotB, -1]);
    table.release(slotA);
    expect(table.slotOf(a)).toBe(-1);
    expect(table.slotOf(b)).toBe(slotB);
    expect(table.size).toBe(1);
  });

  it('hands a released slot out again', () => {
    const table = new RevocationIdTable();
    const slot = table.add(randomUUID());
    table.add(randomUUID());
    table.release(slot);
    expect(table.add(randomUUID())).toBe(slot);
    expect(table.slotLimit).toBe(2);
  });

  it('keeps ids that are not lower-case UUIDs as the strings they are: an upper-case spelling is another id', () => {
    const table = new RevocationIdTable();
    const lower = randomUUID();
    const upper = lower.toUpperCase();
    const slotLower = table.add(lower);
    const slotUpper = table.add(upper);
    const odd = table.add('not-a-uuid');
    expect([table.slotOf(lower), table.slotOf(upper), table.slotOf('not-a-uuid')]).toEqual([slotLower, slotUpper, odd]);
    table.release(slotUpper);
    expect([table.slotOf(lower), table.slotOf(upper)]).toEqual([slotLower, -1]);
    expect(table.slotOf(`${lower.slice(0, 35)}g`)).toBe(-1);
    expect(table.slotOf(lower.replaceAll('-', '_'))).toBe(-1);
    expect(table.size).toBe(2);
  });

  it('agrees with a Map through many adds and releases (growing, probing, shifting back)', () => {
    const table = new RevocationIdTable();
    const reference = new Map<string, number>();
    const held: string[] = [];
    let seed = 42;
    const random = (below: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % below;
    };
    for (let step = 0; step < 60_000; step++) {
      if (held.length > 0 && random(3) === 0) {
        const [id] = held.splice(random(held.length), 1) as [string];
        table.release(reference.get(id)!);
        reference.delete(id);
      } else {
        // A few upper-case ids among them, held beside the canonical ones.
        const id = random(50) === 0 ? randomUUID().toUpperCase() : randomUUID();
        reference.set(id, table.add(id));
        held.push(id);
      }
    }
    expect(table.size).toBe(reference.size);
    for (const [id, slot] of reference) expect(table.slotOf(id)).toBe(slot);
    expect(new Set(reference.values()).size).toBe(reference.size);
  });
});
