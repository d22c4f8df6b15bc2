import type { SigningAlgorithm } from '@tessera/contracts';
import {
  applyKeyChanges,
  type KeySchedule,
  planRevocation,
  planRotation,
  planScheduledChanges,
  type ScheduledKey,
} from './key-schedule';

const HOUR = 3600;
const schedule: KeySchedule = {
  algorithm: 'ES256',
  rotationPeriodSeconds: 24 * HOUR,
  maxTokenLifetimeSeconds: HOUR,
  clockSkewSeconds: 60,
  publishLeadSeconds: HOUR,
};
const start = new Date('2026-12-01T00:00:00Z');
const at = (hours: number) => new Date(start.getTime() + hours * HOUR * 1000);

/** Runs the schedule like the service does: plan, apply, keep the result. */
class Tenant {
  keys: ScheduledKey[] = [];
  private counter = 0;
  constructor(private readonly settings: KeySchedule = schedule) {}
  tick(now: Date, settings: KeySchedule = this.settings) {
    const applied = applyKeyChanges(this.keys, planScheduledChanges(this.keys, settings, now), now, (alg) =>
      this.kid(alg),
    );
    this.keys = applied.keys;
    return applied;
  }
  apply(plan: ReturnType<typeof planRotation>, now: Date) {
    if (!plan.ok) throw new Error(plan.message);
    this.keys = applyKeyChanges(this.keys, plan.changes, now, (alg) => this.kid(alg)).keys;
  }
  kid(alg: SigningAlgorithm) {
    this.counter += 1;
    return `${alg.toLowerCase()}-key-${this.counter}`;
  }
  inState(state: string) {
    return this.keys.filter((key) => key.state === state && !key.forgotten).map((key) => key.kid);
  }
}

describe('the key schedule', () => {
  it('gives a new tenant an active key at once and a next key published ahead', () => {
    const tenant = new Tenant();
    tenant.tick(start);
    expect(tenant.inState('active')).toEqual(['es256-key-1']);
    expect(tenant.inState('next')).toEqual(['es256-key-2']);
  });

  it('changes nothing before the rotation period is over', () => {
    const tenant = new Tenant();
    tenant.tick(start);
    expect(tenant.tick(at(23.9)).changed).toEqual([]);
  });

  it('rotates daily: the next key signs, the active one retires after the longest token lifetime plus skew', () => {
    const tenant = new Tenant();
    tenant.tick(start);
    tenant.tick(at(24));
    expect(tenant.inState('active')).toEqual(['es256-key-2']);
    expect(tenant.inState('retiring')).toEqual(['es256-key-1']);
    expect(tenant.inState('next')).toEqual(['es256-key-3']);
    const retiring = tenant.keys.find((key) => key.kid === 'es256-key-1');
    expect(retiring?.retiresAt).toEqual(new Date(at(25).getTime() + 60_000));
    tenant.tick(at(25));
    expect(tenant.inState('retiring')).toEqual(['es256-key-1']);
    tenant.tick(new Date(at(25).getTime() + 60_000));
    expect(tenant.inState('retiring')).toEqual([]);
    expect(tenant.keys.find((key) => key.kid === 'es256-key-1')).toMatchObject({ state: 'retired', forgotten: true });
  });

  it('waits with a rotation until the next key has been published for the publish lead', () => {
    const tenant = new Tenant({ ...schedule, rotationPeriodSeconds: HOUR / 2 });
    tenant.tick(start);
    tenant.tick(at(0.75));
    expect(tenant.inState('active')).toEqual(['es256-key-1']);
    tenant.tick(at(1));
    expect(tenant.inState('active')).toEqual(['es256-key-2']);
  });

  it('replaces a next key of an algorithm no longer configured; the active key signs until its period ends', () => {
    const tenant = new Tenant();
    tenant.tick(start);
    const eddsa = { ...schedule, algorithm: 'EdDSA' as const };
    tenant.tick(at(1), eddsa);
    expect(tenant.keys.find((key) => key.kid === 'es256-key-2')).toMatchObject({ state: 'retired', forgotten: true });
    expect(tenant.inState('next')).toEqual(['eddsa-key-3']);
    expect(tenant.inState('active')).toEqual(['es256-key-1']);
    tenant.tick(at(24), eddsa);
    expect(tenant.inState('active')).toEqual(['eddsa-key-3']);
  });

  it('keeps exactly one active and one next key through a month of daily rotations', () => {
    const tenant = new Tenant();
    for (let hour = 0; hour <= 24 * 30; hour += 1) {
      tenant.tick(at(hour));
      expect(tenant.inState('active')).toHaveLength(1);
      expect(tenant.inState('next')).toHaveLength(1);
      expect(tenant.inState('retiring').length).toBeLessThanOrEqual(1);
    }
    expect(tenant.inState('active')).toEqual(['es256-key-31']);
  });
});

describe('a manual rotation', () => {
  it('is refused while the next key is younger than the publish lead, and says from when it may sign', () => {
    const tenant = new Tenant();
    tenant.tick(start);
    const plan = planRotation(tenant.keys, schedule, at(0.5), { force: false });
    expect(plan).toMatchObject({ ok: false, code: 'next-key-too-new' });
    expect(!plan.ok && plan.message).toContain(at(1).toISOString());
    expect(!plan.ok && plan.notBefore).toEqual(at(1));
  });

  it('activates the next key and publishes a new one once the lead is over', () => {
    const tenant = new Tenant();
    tenant.tick(start);
    tenant.apply(planRotation(tenant.keys, schedule, at(2), { force: false }), at(2));
    expect(tenant.inState('active')).toEqual(['es256-key-2']);
    expect(tenant.inState('retiring')).toEqual(['es256-key-1']);
    expect(tenant.inState('next')).toEqual(['es256-key-3']);
  });

  it('can be forced before the lead is over', () => {
    const tenant = new Tenant();
    tenant.tick(start);
    tenant.apply(planRotation(tenant.keys, schedule, at(0.1), { force: true }), at(0.1));
    expect(tenant.inState('active')).toEqual(['es256-key-2']);
  });
});

describe('an emergency revocation', () => {
  it('of the active key hands signing to the next key at once and publishes a new next key', () => {
    const tenant = new Tenant();
    tenant.tick(start);
    tenant.apply(planRevocation(tenant.keys, 'es256-key-1', 'leaked', schedule), at(0.1));
    expect(tenant.keys.find((key) => key.kid === 'es256-key-1')).toMatchObject({
      state: 'revoked',
      revocationReason: 'leaked',
      revokedAt: at(0.1),
    });
    expect(tenant.inState('active')).toEqual(['es256-key-2']);
    expect(tenant.inState('next')).toEqual(['es256-key-3']);
  });

  it('of the next key publishes another next key; of a retiring key changes nothing else', () => {
    const tenant = new Tenant();
    tenant.tick(start);
    tenant.apply(planRevocation(tenant.keys, 'es256-key-2', 'lost', schedule), at(0.1));
    expect(tenant.inState('next')).toEqual(['es256-key-3']);
    tenant.tick(at(24));
    const before = tenant.keys.length;
    tenant.apply(planRevocation(tenant.keys, 'es256-key-1', 'leaked', schedule), at(24.5));
    expect(tenant.keys).toHaveLength(before);
    expect(tenant.inState('active')).toEqual(['es256-key-3']);
  });

  it('is forgotten (tombstoned) once every token the key signed has expired', () => {
    const tenant = new Tenant();
    tenant.tick(start);
    tenant.apply(planRevocation(tenant.keys, 'es256-key-1', 'leaked', schedule), at(0));
    tenant.tick(at(0.5));
    expect(tenant.keys.find((key) => key.kid === 'es256-key-1')?.forgotten).toBe(false);
    tenant.tick(new Date(at(1).getTime() + 60_000));
    expect(tenant.keys.find((key) => key.kid === 'es256-key-1')?.forgotten).toBe(true);
  });

  it('is refused for an unknown key and for one that is retired or revoked already', () => {
    const tenant = new Tenant();
    tenant.tick(start);
    expect(planRevocation(tenant.keys, 'nope-nope', 'x', schedule)).toMatchObject({ ok: false, code: 'not-found' });
    tenant.apply(planRevocation(tenant.keys, 'es256-key-1', 'x', schedule), at(0));
    expect(planRevocation(tenant.keys, 'es256-key-1', 'x', schedule)).toMatchObject({
      ok: false,
      code: 'not-in-use',
    });
  });
});
