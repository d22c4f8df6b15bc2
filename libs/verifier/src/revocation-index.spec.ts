import { randomUUID } from 'node:crypto';
import { RevocationIndex } from './revocation-index';

const revocation = (
  kind: 'device' | 'installation' | 'registration' | 'token',
  value: string,
  expiresAt: string | null = null,
) => ({
  revocationId: randomUUID(),
  subject: { kind, value },
  createdAt: '2026-12-01T10:00:00.000Z',
  expiresAt,
});
const now = Date.parse('2026-12-01T12:00:00Z');

describe('the revocation index', () => {
  it('refuses a revoked subject of its tenant and kind only', () => {
    const index = new RevocationIndex();
    index.upsert('acme', revocation('device', 'pixel-7'));
    expect(index.isRevoked('acme', 'device', 'pixel-7', now)).toBe(true);
    expect(index.isRevoked('globex', 'device', 'pixel-7', now)).toBe(false);
    expect(index.isRevoked('acme', 'installation', 'pixel-7', now)).toBe(false);
    expect(index.isRevoked('acme', 'device', 'pixel-8', now)).toBe(false);
  });

  it('lifts a revocation on its tombstone', () => {
    const index = new RevocationIndex();
    const revoked = revocation('token', randomUUID());
    index.upsert('acme', revoked);
    index.lift(revoked.revocationId);
    expect(index.isRevoked('acme', 'token', revoked.subject.value, now)).toBe(false);
    expect(index.size).toBe(0);
  });

  it('counts an expired revocation as lifted at once, before its tombstone, and purges it', () => {
    const index = new RevocationIndex();
    index.upsert('acme', revocation('registration', 'r1', '2026-12-01T12:00:01Z'));
    expect(index.isRevoked('acme', 'registration', 'r1', now)).toBe(true);
    expect(index.isRevoked('acme', 'registration', 'r1', now + 1000)).toBe(false);
    expect(index.purgeExpired(now + 1000)).toBe(1);
    expect(index.size).toBe(0);
  });

  it('keeps a subject revoked while another revocation of it is in force', () => {
    const index = new RevocationIndex();
    const expiring = revocation('device', 'pixel-7', '2026-12-01T13:00:00Z');
    const forGood = revocation('device', 'pixel-7');
    index.upsert('acme', expiring);
    index.upsert('acme', forGood);
    index.lift(expiring.revocationId);
    expect(index.isRevoked('acme', 'device', 'pixel-7', now)).toBe(true);
    index.lift(forGood.revocationId);
    expect(index.isRevoked('acme', 'device', 'pixel-7', now)).toBe(false);
  });

  it('applies a redelivered or changed revocation as its latest state (same id, new expiry)', () => {
    const index = new RevocationIndex();
    const first = revocation('device', 'pixel-7');
    index.upsert('acme', first);
    index.upsert('acme', { ...first, expiresAt: '2026-12-01T11:00:00Z' });
    expect(index.size).toBe(1);
    expect(index.isRevoked('acme', 'device', 'pixel-7', now)).toBe(false);
  });

  it('ignores the tombstone of a revocation it never held', () => {
    const index = new RevocationIndex();
    index.lift(randomUUID());
    expect(index.size).toBe(0);
  });
});

describe('the revocation index against a plain list of revocations', () => {
  /** What the index must answer, the slow way: every revocation held, by id. */
  class PlainRevocations {
    readonly byId = new Map<string, { tenant: string; kind: string; value: string; expiresAt: number }>();
    upsert(
      tenant: string,
      data: { revocationId: string; subject: { kind: string; value: string }; expiresAt: string | null },
    ) {
      const { kind, value } = data.subject;
      const expiresAt = data.expiresAt === null ? Infinity : Date.parse(data.expiresAt);
      this.byId.set(data.revocationId, { tenant, kind, value, expiresAt });
    }
    isRevoked(tenant: string, kind: string, value: string, at: number) {
      return [...this.byId.values()].some(
        (r) => r.tenant === tenant && r.kind === kind && r.value === value && r.expiresAt > at,
      );
    }
  }

  it('answers as the list does through upserts, changed upserts, lifts and purges', () => {
    const index = new RevocationIndex();
    const plain = new PlainRevocations();
    const kinds = ['device', 'installation', 'registration', 'token'] as const;
    const tenants = ['acme', 'globex'];
    const ids: string[] = [];
    let seed = 7;
    const random = (below: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % below;
    };
    for (let step = 0; step < 5000; step++) {
      const action = random(10);
      if (action < 5 || ids.length === 0) {
        // Few subjects, so many are revoked more than once; an id already held now and then (a changed revocation).
        const id = ids.length > 0 && random(5) === 0 ? ids[random(ids.length)]! : randomUUID();
        const data = {
          ...revocation(kinds[random(4)]!, `subject-${random(40)}`),
          revocationId: id,
          expiresAt: random(3) === 0 ? new Date(now + (random(7) - 3) * 1000).toISOString() : null,
        };
        const tenant = tenants[random(2)]!;
        index.upsert(tenant, data);
        plain.upsert(tenant, data);
        ids.push(id);
      } else if (action < 8) {
        const id = ids[random(ids.length)]!;
        index.lift(id);
        plain.byId.delete(id);
      } else if (action === 8) {
        const at = now + (random(7) - 3) * 1000;
        const expired = [...plain.byId].filter(([, r]) => r.expiresAt <= at).map(([id]) => id);
        expect(index.purgeExpired(at)).toBe(expired.length);
        for (const id of expired) plain.byId.delete(id);
      } else {
        const [tenant, kind, value] = [tenants[random(2)]!, kinds[random(4)]!, `subject-${random(40)}`];
        expect(index.isRevoked(tenant, kind, value, now)).toBe(plain.isRevoked(tenant, kind, value, now));
      }
      expect(index.size).toBe(plain.byId.size);
    }
    for (const tenant of tenants) {
      for (const kind of kinds) {
        for (let subject = 0; subject < 40; subject++) {
          expect(index.isRevoked(tenant, kind, `subject-${subject}`, now)).toBe(
            plain.isRevoked(tenant, kind, `subject-${subject}`, now),
          );
        }
      }
    }
  });

  it('keeps an upper-case revocation id apart from its lower-case spelling (two keys on the topic)', () => {
    const index = new RevocationIndex();
    const lower = revocation('device', 'pixel-7');
    index.upsert('acme', lower);
    index.upsert('acme', { ...lower, revocationId: lower.revocationId.toUpperCase() });
    index.lift(lower.revocationId);
    expect(index.isRevoked('acme', 'device', 'pixel-7', now)).toBe(true);
    expect(index.size).toBe(1);
  });
});
