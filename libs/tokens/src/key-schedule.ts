import type { SigningAlgorithm, SigningKeyState } from '@tessera/contracts';

/** A tenant's signing key as the schedule sees it. */
export interface ScheduledKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly state: SigningKeyState;
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  readonly deactivatedAt: Date | null;
  readonly retiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly revocationReason: string | null;
  /** Its tombstone is out: verifiers have forgotten it. */
  readonly forgotten: boolean;
}

/** How a tenant's keys rotate. */
export interface KeySchedule {
  /** What new keys sign with. */
  readonly algorithm: SigningAlgorithm;
  readonly rotationPeriodSeconds: number;
  /** The longest token lifetime: a key stays published this long (plus the clock skew) after it stopped signing. */
  readonly maxTokenLifetimeSeconds: number;
  readonly clockSkewSeconds: number;
  /** How long a key is published before it may sign, so verifiers that fetch the JWKS have it first. */
  readonly publishLeadSeconds: number;
}

/** One step of a plan, applied in order in one transaction with its events. */
export type KeyChange =
  | { readonly kind: 'create'; readonly alg: SigningAlgorithm; readonly state: 'next' | 'active' }
  | { readonly kind: 'activate'; readonly kid: string }
  | { readonly kind: 'deactivate'; readonly kid: string; readonly retiresAt: Date }
  | { readonly kind: 'retire'; readonly kid: string }
  | { readonly kind: 'revoke'; readonly kid: string; readonly reason: string }
  | { readonly kind: 'forget'; readonly kid: string };

export type KeyPlan =
  | { readonly ok: true; readonly changes: readonly KeyChange[] }
  | {
      readonly ok: false;
      readonly code: 'not-found' | 'not-in-use' | 'next-key-too-new';
      readonly message: string;
      /** For `next-key-too-new` with a next key: from when the rotation is possible. */
      readonly notBefore?: Date;
    };

const seconds = (n: number) => n * 1000;

/** When a key that stops signing now leaves the JWKS: the last token it signed has expired by then. */
export function retirementTime(schedule: KeySchedule, now: Date): Date {
  return new Date(now.getTime() + seconds(schedule.maxTokenLifetimeSeconds + schedule.clockSkewSeconds));
}

function publishedLongEnough(key: ScheduledKey, schedule: KeySchedule, now: Date): boolean {
  return key.createdAt.getTime() + seconds(schedule.publishLeadSeconds) <= now.getTime();
}

/**
 * What the schedule does now: retire keys whose tokens have all expired, forget revoked keys once their tokens have,
 * replace a `next` key of an algorithm no longer configured (it never signed), rotate when the active key's period
 * is over and the next key has been published long enough, and keep one `next` key published ahead at all times.
 * A tenant without an active key (its first) gets one at once.
 */
export function planScheduledChanges(keys: readonly ScheduledKey[], schedule: KeySchedule, now: Date): KeyChange[] {
  const changes: KeyChange[] = [];
  const live = keys.filter((key) => !key.forgotten);
  for (const key of live) {
    if (key.state === 'retiring' && key.retiresAt !== null && key.retiresAt <= now) {
      changes.push({ kind: 'retire', kid: key.kid });
    }
    if (key.state === 'revoked' && key.revokedAt !== null && retirementTime(schedule, key.revokedAt) <= now) {
      changes.push({ kind: 'forget', kid: key.kid });
    }
  }
  const active = live.find((key) => key.state === 'active');
  let next = live.find((key) => key.state === 'next');
  if (next && next.alg !== schedule.algorithm) {
    changes.push({ kind: 'retire', kid: next.kid });
    next = undefined;
  }
  if (!active) {
    if (next) changes.push({ kind: 'activate', kid: next.kid });
    else changes.push({ kind: 'create', alg: schedule.algorithm, state: 'active' });
    next = undefined;
  } else if (
    active.activatedAt !== null &&
    active.activatedAt.getTime() + seconds(schedule.rotationPeriodSeconds) <= now.getTime() &&
    next &&
    publishedLongEnough(next, schedule, now)
  ) {
    changes.push({ kind: 'deactivate', kid: active.kid, retiresAt: retirementTime(schedule, now) });
    changes.push({ kind: 'activate', kid: next.kid });
    next = undefined;
  }
  if (!next) changes.push({ kind: 'create', alg: schedule.algorithm, state: 'next' });
  return changes;
}

/**
 * A rotation an admin asks for: the next key signs from now, the active one retires. Refused while the next key has
 * been published for less than the publish lead (a verifier reading the JWKS could meet it before it has it), unless
 * forced.
 */
export function planRotation(
  keys: readonly ScheduledKey[],
  schedule: KeySchedule,
  now: Date,
  options: { force: boolean },
): KeyPlan {
  const live = keys.filter((key) => !key.forgotten);
  const active = live.find((key) => key.state === 'active');
  const next = live.find((key) => key.state === 'next' && key.alg === schedule.algorithm);
  const changes: KeyChange[] = [];
  if (!next) {
    // The schedule publishes a next key ahead; without one (an algorithm just changed), make one and sign with it.
    if (!options.force) {
      return {
        ok: false,
        code: 'next-key-too-new',
        message: `no ${schedule.algorithm} key has been published ahead yet; retry in a moment, or force the rotation`,
      };
    }
    if (active) changes.push({ kind: 'deactivate', kid: active.kid, retiresAt: retirementTime(schedule, now) });
    changes.push({ kind: 'create', alg: schedule.algorithm, state: 'active' });
  } else {
    if (!options.force && !publishedLongEnough(next, schedule, now)) {
      const ready = new Date(next.createdAt.getTime() + seconds(schedule.publishLeadSeconds));
      return {
        ok: false,
        code: 'next-key-too-new',
        message: `the next key ${next.kid} has been published for less than ${schedule.publishLeadSeconds} s; it may sign from ${ready.toISOString()} (or force the rotation)`,
        notBefore: ready,
      };
    }
    if (active) changes.push({ kind: 'deactivate', kid: active.kid, retiresAt: retirementTime(schedule, now) });
    changes.push({ kind: 'activate', kid: next.kid });
  }
  changes.push({ kind: 'create', alg: schedule.algorithm, state: 'next' });
  return { ok: true, changes };
}

/**
 * An emergency revocation: the key's tokens are refused everywhere at once. Revoking the active key hands signing to
 * the next key at once (it is published already), whatever its age; a new next key is published.
 */
export function planRevocation(
  keys: readonly ScheduledKey[],
  kid: string,
  reason: string,
  schedule: KeySchedule,
): KeyPlan {
  const live = keys.filter((key) => !key.forgotten);
  const key = keys.find((candidate) => candidate.kid === kid);
  if (!key) return { ok: false, code: 'not-found', message: `no signing key ${kid}` };
  if (key.state === 'retired' || key.state === 'revoked') {
    return { ok: false, code: 'not-in-use', message: `key ${kid} is ${key.state} already` };
  }
  const changes: KeyChange[] = [{ kind: 'revoke', kid, reason }];
  const next = live.find((candidate) => candidate.state === 'next' && candidate.alg === schedule.algorithm);
  if (key.state === 'active') {
    if (next) changes.push({ kind: 'activate', kid: next.kid });
    else changes.push({ kind: 'create', alg: schedule.algorithm, state: 'active' });
  }
  if (key.state === 'next' || key.state === 'active') {
    changes.push({ kind: 'create', alg: schedule.algorithm, state: 'next' });
  }
  return { ok: true, changes };
}

/**
 * The keys after a plan, and which of them changed (to be written with their events). `create` makes a key with
 * the kid `newKid` gives; its material is the caller's business.
 */
export function applyKeyChanges(
  keys: readonly ScheduledKey[],
  changes: readonly KeyChange[],
  now: Date,
  newKid: (alg: SigningAlgorithm) => string,
): { keys: ScheduledKey[]; changed: string[]; created: string[] } {
  const byKid = new Map(keys.map((key) => [key.kid, key]));
  const changed: string[] = [];
  const created: string[] = [];
  const update = (kid: string, patch: Partial<ScheduledKey>) => {
    const key = byKid.get(kid);
    if (!key) throw new Error(`the plan names a key that does not exist: ${kid}`);
    byKid.set(kid, { ...key, ...patch });
    if (!changed.includes(kid)) changed.push(kid);
  };
  for (const change of changes) {
    switch (change.kind) {
      case 'create': {
        const kid = newKid(change.alg);
        byKid.set(kid, {
          kid,
          alg: change.alg,
          state: change.state,
          createdAt: now,
          activatedAt: change.state === 'active' ? now : null,
          deactivatedAt: null,
          retiresAt: null,
          revokedAt: null,
          revocationReason: null,
          forgotten: false,
        });
        changed.push(kid);
        created.push(kid);
        break;
      }
      case 'activate':
        update(change.kid, { state: 'active', activatedAt: now });
        break;
      case 'deactivate':
        update(change.kid, { state: 'retiring', deactivatedAt: now, retiresAt: change.retiresAt });
        break;
      case 'retire':
        update(change.kid, { state: 'retired', forgotten: true, retiresAt: byKid.get(change.kid)?.retiresAt ?? now });
        break;
      case 'revoke': {
        const key = byKid.get(change.kid);
        update(change.kid, {
          state: 'revoked',
          revokedAt: now,
          revocationReason: change.reason,
          deactivatedAt: key?.deactivatedAt ?? (key?.state === 'active' ? now : null),
        });
        break;
      }
      case 'forget':
        update(change.kid, { forgotten: true });
        break;
    }
  }
  return { keys: [...byKid.values()], changed, created };
}
