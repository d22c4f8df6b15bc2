import type { EventData, RevocationUpsertedV1 } from '@tessera/contracts';

export type RevocationKind = EventData<typeof RevocationUpsertedV1>['subject']['kind'];

interface Revocation {
  readonly id: string;
  /** Epoch ms, or null for good. */
  readonly expiresAt: number | null;
}

/**
 * Every revocation in force, by tenant, kind and subject, as the revocations topic says: an upsert puts one in, its
 * tombstone lifts it, and one whose `expiresAt` has passed counts as lifted at once, before its tombstone arrives.
 * A subject may be revoked by more than one revocation (one expiring, one for good): lifting one keeps the other.
 */
export class RevocationIndex {
  private readonly bySubject = new Map<string, Revocation | Revocation[]>();
  private readonly subjectOf = new Map<string, string>();

  /** Revocations held, expired ones not yet purged included. */
  get size(): number {
    return this.subjectOf.size;
  }

  upsert(tenant: string, data: EventData<typeof RevocationUpsertedV1>): void {
    const subject = subjectKey(tenant, data.subject.kind, data.subject.value);
    this.lift(data.revocationId);
    const revocation: Revocation = {
      id: data.revocationId,
      expiresAt: data.expiresAt === null ? null : Date.parse(data.expiresAt),
    };
    const held = this.bySubject.get(subject);
    if (held === undefined) this.bySubject.set(subject, revocation);
    else this.bySubject.set(subject, Array.isArray(held) ? [...held, revocation] : [held, revocation]);
    this.subjectOf.set(data.revocationId, subject);
  }

  /** The tombstone of a revocation: it no longer applies. */
  lift(revocationId: string): void {
    const subject = this.subjectOf.get(revocationId);
    if (subject === undefined) return;
    this.subjectOf.delete(revocationId);
    const held = this.bySubject.get(subject);
    if (held === undefined) return;
    const left = (Array.isArray(held) ? held : [held]).filter((revocation) => revocation.id !== revocationId);
    if (left.length === 0) this.bySubject.delete(subject);
    else this.bySubject.set(subject, left.length === 1 ? (left[0] as Revocation) : left);
  }

  isRevoked(tenant: string, kind: RevocationKind, value: string, now: number = Date.now()): boolean {
    const held = this.bySubject.get(subjectKey(tenant, kind, value));
    if (held === undefined) return false;
    const inForce = (revocation: Revocation) => revocation.expiresAt === null || revocation.expiresAt > now;
    return Array.isArray(held) ? held.some(inForce) : inForce(held);
  }

  /** Forgets revocations whose time has passed (they no longer count anyway); how many. */
  purgeExpired(now: number = Date.now()): number {
    const expired: string[] = [];
    for (const held of this.bySubject.values()) {
      for (const revocation of Array.isArray(held) ? held : [held]) {
        if (revocation.expiresAt !== null && revocation.expiresAt <= now) expired.push(revocation.id);
      }
    }
    for (const id of expired) this.lift(id);
    return expired.length;
  }
}

function subjectKey(tenant: string, kind: RevocationKind, value: string): string {
  return `${tenant}\u0000${kind}\u0000${value}`;
}
