const NONE: readonly never[] = Object.freeze([]);

/**
 * Records of one kind, grouped by what a reader looks them up by (a registration by its app, an override by its
 * device), and each found by its own id, which its tombstone names. A record's upsert replaces its latest state and
 * takes it out of the group it was in, if that was another.
 *
 * A group is an array replaced on each change, never changed in place: a lookup returns it as it is, without
 * copying, and a reader keeps a consistent list while events are applied. A change costs the group's length, which
 * stays small (an app's registrations, a device's overrides); lookups cost one map read.
 */
export class RecordGroups<R> {
  private readonly groups = new Map<string, readonly R[]>();
  /** Record id → its group. */
  private readonly groupOf = new Map<string, string>();
  /** Record id → when it expires (epoch ms), for the records that do: what purgeExpired goes over. */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly idOf: (record: R) => string) {}

  /** Records held, expired ones not yet purged included. */
  get size(): number {
    return this.groupOf.size;
  }

  /** The group's records, in the order they first arrived; empty for a group never seen. */
  in(group: string): readonly R[] {
    return this.groups.get(group) ?? NONE;
  }

  /** `expiresAt`: epoch ms, or null for a record that never expires. */
  upsert(group: string, record: R, expiresAt: number | null): void {
    const id = this.idOf(record);
    const previous = this.groupOf.get(id);
    if (previous !== undefined && previous !== group) this.takeOut(previous, id);
    const held = this.groups.get(group) ?? NONE;
    const at = previous === group ? held.findIndex((other) => this.idOf(other) === id) : -1;
    this.groups.set(group, at < 0 ? [...held, record] : held.with(at, record));
    this.groupOf.set(id, group);
    if (expiresAt === null) this.expiries.delete(id);
    else this.expiries.set(id, expiresAt);
  }

  /** The record's tombstone; whether it was held. */
  remove(id: string): boolean {
    const group = this.groupOf.get(id);
    if (group === undefined) return false;
    this.takeOut(group, id);
    this.groupOf.delete(id);
    this.expiries.delete(id);
    return true;
  }

  /** Forgets the records expired at `now`; how many. */
  purgeExpired(now: number): number {
    // Each group that lost records is rebuilt once, not once per record.
    const expired = new Set<string>();
    const touched = new Set<string>();
    for (const [id, expiresAt] of this.expiries) {
      const group = this.groupOf.get(id);
      if (expiresAt > now || group === undefined) continue;
      expired.add(id);
      touched.add(group);
      this.groupOf.delete(id);
      this.expiries.delete(id);
    }
    for (const group of touched) this.keepIn(group, (record) => !expired.has(this.idOf(record)));
    return expired.size;
  }

  private takeOut(group: string, id: string): void {
    this.keepIn(group, (record) => this.idOf(record) !== id);
  }

  private keepIn(group: string, keep: (record: R) => boolean): void {
    const left = this.in(group).filter(keep);
    if (left.length === 0) this.groups.delete(group);
    else this.groups.set(group, left);
  }
}
