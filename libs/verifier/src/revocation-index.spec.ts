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
