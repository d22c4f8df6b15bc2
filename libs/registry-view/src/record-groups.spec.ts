import { RecordGroups } from './record-groups';

interface Note {
  id: string;
  text: string;
}
const groups = () => new RecordGroups<Note>((note) => note.id);

describe('record groups', () => {
  it('finds records by group, in the order they arrived, and nothing for a group never seen', () => {
    const notes = groups();
    notes.upsert('app-1', { id: 'a', text: 'first' }, null);
    notes.upsert('app-1', { id: 'b', text: 'second' }, null);
    notes.upsert('app-2', { id: 'c', text: 'other' }, null);
    expect(notes.in('app-1')).toEqual([
      { id: 'a', text: 'first' },
      { id: 'b', text: 'second' },
    ]);
    expect(notes.in('app-2')).toEqual([{ id: 'c', text: 'other' }]);
    expect(notes.in('app-3')).toEqual([]);
    expect(notes.size).toBe(3);
  });

  it('replaces a record by its id, in its place, and a redelivery changes nothing', () => {
    const notes = groups();
    notes.upsert('app-1', { id: 'a', text: 'first' }, null);
    notes.upsert('app-1', { id: 'b', text: 'second' }, null);
    notes.upsert('app-1', { id: 'a', text: 'changed' }, null);
    notes.upsert('app-1', { id: 'a', text: 'changed' }, null);
    expect(notes.in('app-1')).toEqual([
      { id: 'a', text: 'changed' },
      { id: 'b', text: 'second' },
    ]);
    expect(notes.size).toBe(2);
  });

  it('moves a record that names another group: the old group no longer has it', () => {
    const notes = groups();
    notes.upsert('app-1', { id: 'a', text: 'first' }, null);
    notes.upsert('app-1', { id: 'b', text: 'stays' }, null);
    notes.upsert('app-2', { id: 'a', text: 'moved' }, null);
    expect(notes.in('app-1')).toEqual([{ id: 'b', text: 'stays' }]);
    expect(notes.in('app-2')).toEqual([{ id: 'a', text: 'moved' }]);
    expect(notes.size).toBe(2);
  });

  it('removes a record by id, says whether it held it, and leaves no empty group behind', () => {
    const notes = groups();
    notes.upsert('app-1', { id: 'a', text: 'first' }, null);
    expect(notes.remove('a')).toBe(true);
    expect(notes.remove('a')).toBe(false);
    expect(notes.in('app-1')).toEqual([]);
    expect(notes.size).toBe(0);
  });

  it('never changes a list a reader was given', () => {
    const notes = groups();
    notes.upsert('app-1', { id: 'a', text: 'first' }, null);
    const given = notes.in('app-1');
    notes.upsert('app-1', { id: 'a', text: 'changed' }, null);
    notes.upsert('app-1', { id: 'b', text: 'second' }, null);
    notes.remove('a');
    expect(given).toEqual([{ id: 'a', text: 'first' }]);
  });

  it('purges the records expired at the time given, and only those', () => {
    const notes = groups();
    notes.upsert('app-1', { id: 'expired', text: '' }, 1000);
    notes.upsert('app-1', { id: 'at-the-limit', text: '' }, 2000);
    notes.upsert('app-1', { id: 'later', text: '' }, 2001);
    notes.upsert('app-2', { id: 'for-good', text: '' }, null);
    expect(notes.purgeExpired(2000)).toBe(2);
    expect(notes.in('app-1').map((note) => note.id)).toEqual(['later']);
    expect(notes.in('app-2').map((note) => note.id)).toEqual(['for-good']);
    expect(notes.purgeExpired(2000)).toBe(0);
  });

  it('takes the expiry of the latest state: an upsert without one is never purged, a tombstone forgets it', () => {
    const notes = groups();
    notes.upsert('app-1', { id: 'a', text: 'expiring' }, 1000);
    notes.upsert('app-1', { id: 'a', text: 'for good now' }, null);
    notes.upsert('app-1', { id: 'b', text: 'expiring' }, 1000);
    notes.remove('b');
    notes.upsert('app-1', { id: 'b', text: 'back, for good' }, null);
    expect(notes.purgeExpired(5000)).toBe(0);
    expect(notes.size).toBe(2);
  });
});

describe('record groups against a plain map of records', () => {
  it('agree after a long random run of upserts, moves, removals and purges', () => {
    // A seeded generator, so that a failure can be replayed.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const notes = groups();
    const plain = new Map<string, { group: string; note: Note; expiresAt: number | null }>();
    for (let step = 0; step < 5000; step++) {
      const id = `note-${random(200)}`;
      const operation = random(10);
      if (operation < 6) {
        const group = `group-${random(20)}`;
        const expiresAt = random(3) === 0 ? random(10_000) : null;
        const note = { id, text: `step ${step}` };
        notes.upsert(group, note, expiresAt);
        plain.set(id, { group, note, expiresAt });
      } else if (operation < 9) {
        expect(notes.remove(id)).toBe(plain.delete(id));
      } else {
        const now = random(10_000);
        const expired = [...plain].filter(([, held]) => held.expiresAt !== null && held.expiresAt <= now);
        for (const [expiredId] of expired) plain.delete(expiredId);
        expect(notes.purgeExpired(now)).toBe(expired.length);
      }
    }
    expect(notes.size).toBe(plain.size);
    for (let group = 0; group < 20; group++) {
      const expected = [...plain.values()].filter((held) => held.group === `group-${group}`).map((held) => held.note);
      const sortById = (list: readonly Note[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
      expect(sortById(notes.in(`group-${group}`))).toEqual(sortById(expected));
    }
  });
});
