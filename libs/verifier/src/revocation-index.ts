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
  /** tenant → kind → subject value → revocation(s). Nested, so a lookup builds no key string (the hot path). */
  private readonly byTenant = new Map<string, Map<RevocationKind, Map<string, Revocation | Revocation[]>>>();
  private readonly subjectOf = new Map<string, { tenant: string; kind: RevocationKind; value: string }>();

  /** Revocations held, expired ones not yet purged included. */
  get size(): number {
    return this.subjectOf.size;
  }

  upsert(tenant: string, data: EventData<typeof RevocationUpsertedV1>): void {
    this.lift(data.revocationId);
    const { kind, value } = data.subject;
    const revocation: Revocation = {
      id: data.revocationId,
      expiresAt: data.expiresAt === null ? null : Date.parse(data.expiresAt),
    };
    const subjects = this.subjects(tenant, kind, true);
    const held = subjects.get(value);
    if (held === undefined) subjects.set(value, revocation);
    else subjects.set(value, Array.isArray(held) ? [...held, revocation] : [held, revocation]);
    this.subjectOf.set(data.revocationId, { tenant, kind, value });
  }

  /** The tombstone of a revocation: it no longer applies. */
  lift(revocationId: string): void {
    const subject = this.subjectOf.get(revocationId);
    if (subject === undefined) return;
    this.subjectOf.delete(revocationId);
    const subjects = this.subjects(subject.tenant, subject.kind, false);
    const held = subjects?.get(subject.value);
    if (!subjects || held === undefined) return;
    const left = (Array.isArray(held) ? held : [held]).filter((revocation) => revocation.id !== revocationId);
    if (left.length === 0) subjects.delete(subject.value);
    else subjects.set(subject.value, left.length === 1 ? (left[0] as Revocation) : left);
  }

  isRevoked(tenant: string, kind: RevocationKind, value: string, now: number = Date.now()): boolean {
    const held = this.byTenant.get(tenant)?.get(kind)?.get(value);
    if (held === undefined) return false;
    if (!Array.isArray(held)) return held.expiresAt === null || held.expiresAt > now;
    return held.some((revocation) => revocation.expiresAt === null || revocation.expiresAt > now);
  }

  /** Forgets revocations whose time has passed (they no longer count anyway); how many. */
  purgeExpired(now: number = Date.now()): number {
    const expired: string[] = [];
    for (const kinds of this.byTenant.values()) {
      for (const subjects of kinds.values()) {
        for (const held of subjects.values()) {
          for (const revocation of Array.isArray(held) ? held : [held]) {
            if (revocation.expiresAt !== null && revocation.expiresAt <= now) expired.push(revocation.id);
          }
        }
      }
    }
    for (const id of expired) this.lift(id);
    return expired.length;
  }

  private subjects(tenant: string, kind: RevocationKind, create: true): Map<string, Revocation | Revocation[]>;
  private subjects(
    tenant: string,
    kind: RevocationKind,
    create: false,
  ): Map<string, Revocation | Revocation[]> | undefined;
  private subjects(tenant: string, kind: RevocationKind, create: boolean) {
    let kinds = this.byTenant.get(tenant);
    if (!kinds) {
      if (!create) return undefined;
      kinds = new Map();
      this.byTenant.set(tenant, kinds);
    }
    let subjects = kinds.get(kind);
    if (!subjects && create) {
      subjects = new Map();
      kinds.set(kind, subjects);
    }
    return subjects;
  }
}
