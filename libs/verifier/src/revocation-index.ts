import type { EventData, RevocationUpsertedV1 } from '@tessera/contracts';
import { RevocationIdTable } from './revocation-id-table';

export type RevocationKind = EventData<typeof RevocationUpsertedV1>['subject']['kind'];

/** Subject value → the slot of the revocation of it, or the slots when several revoke it. */
type Subjects = Map<string, number | number[]>;

const KINDS: Record<RevocationKind, number> = { device: 0, installation: 1, registration: 2, token: 3 };

/**
 * Every revocation in force, by tenant, kind and subject, as the revocations topic says: an upsert puts one in, its
 * tombstone lifts it, and one whose `expiresAt` has passed counts as lifted at once, before its tombstone arrives.
 * A subject may be revoked by more than one revocation (one expiring, one for good): lifting one keeps the other.
 *
 * A node holds every revocation there is (a million in the rebuild benchmark), so a revocation is no object of its
 * own: it is a slot number, found by subject in nested maps (a lookup builds no key string: the hot path) and by
 * id in a RevocationIdTable, with its expiry and its place among the subjects kept in arrays under that slot.
 */
export class RevocationIndex {
  /** tenant → subjects by kind (KINDS). */
  private readonly byTenant = new Map<string, (Subjects | undefined)[]>();
  private readonly ids = new RevocationIdTable();
  /** Epoch ms; Infinity for good. */
  private expiresAt = new Float64Array(1024);
  /** The subjects map a slot's revocation is in, and its subject value there: what lifting it needs. */
  private readonly subjectsOf: (Subjects | undefined)[] = [];
  private readonly valueOf: (string | undefined)[] = [];

  /** Revocations held, expired ones not yet purged included. */
  get size(): number {
    return this.ids.size;
  }

  upsert(tenant: string, data: EventData<typeof RevocationUpsertedV1>): void {
    this.lift(data.revocationId);
    const { kind, value } = data.subject;
    const slot = this.ids.add(data.revocationId);
    if (slot >= this.expiresAt.length) this.growExpiries();
    this.expiresAt[slot] = data.expiresAt === null ? Infinity : Date.parse(data.expiresAt);
    const subjects = this.subjects(tenant, kind);
    this.subjectsOf[slot] = subjects;
    this.valueOf[slot] = value;
    const held = subjects.get(value);
    if (held === undefined) subjects.set(value, slot);
    else subjects.set(value, typeof held === 'number' ? [held, slot] : [...held, slot]);
  }

  /** The tombstone of a revocation: it no longer applies. */
  lift(revocationId: string): void {
    const slot = this.ids.slotOf(revocationId);
    if (slot >= 0) this.liftSlot(slot);
  }

  isRevoked(tenant: string, kind: RevocationKind, value: string, now: number = Date.now()): boolean {
    const held = this.byTenant.get(tenant)?.[KINDS[kind]]?.get(value);
    if (held === undefined) return false;
    if (typeof held === 'number') return (this.expiresAt[held] as number) > now;
    return held.some((slot) => (this.expiresAt[slot] as number) > now);
  }

  /** Forgets revocations whose time has passed (they no longer count anyway); how many. */
  purgeExpired(now: number = Date.now()): number {
    let purged = 0;
    for (let slot = 0; slot < this.ids.slotLimit; slot++) {
      if (this.subjectsOf[slot] !== undefined && (this.expiresAt[slot] as number) <= now) {
        this.liftSlot(slot);
        purged += 1;
      }
    }
    return purged;
  }

  private liftSlot(slot: number): void {
    const subjects = this.subjectsOf[slot];
    const value = this.valueOf[slot];
    this.ids.release(slot);
    this.subjectsOf[slot] = undefined;
    this.valueOf[slot] = undefined;
    if (subjects === undefined || value === undefined) return;
    const held = subjects.get(value);
    if (held === slot) {
      subjects.delete(value);
    } else if (Array.isArray(held)) {
      const left = held.filter((other) => other !== slot);
      subjects.set(value, left.length === 1 ? (left[0] as number) : left);
    }
  }

  private subjects(tenant: string, kind: RevocationKind): Subjects {
    let kinds = this.byTenant.get(tenant);
    if (!kinds) {
      kinds = [undefined, undefined, undefined, undefined];
      this.byTenant.set(tenant, kinds);
    }
    let subjects = kinds[KINDS[kind]];
    if (!subjects) {
      subjects = new Map();
      kinds[KINDS[kind]] = subjects;
    }
    return subjects;
  }

  private growExpiries(): void {
    const grown = new Float64Array(this.expiresAt.length * 2);
    grown.set(this.expiresAt);
    this.expiresAt = grown;
  }
}
