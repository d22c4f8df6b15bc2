import {
  API_KEY_PREFIX,
  can,
  canSeeTeam,
  canWriteTeamResources,
  generateApiKey,
  hashSecret,
  isKeyUsable,
  keyScopeProblem,
  parseApiKey,
  type Principal,
  secretMatches,
} from './index';

describe('API keys', () => {
  it('are tsk_<16 hex id>_<43 base64url secret>, random, and parse back into id and secret', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^tsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(a.key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(a.key).not.toBe(b.key);
    expect(a.id).not.toBe(b.id);
    const parsed = parseApiKey(a.key);
    expect(parsed?.id).toBe(a.id);
    expect(parsed && secretMatches(parsed.secret, a.hash)).toBe(true);
  });

  it('store only a SHA-256 of the secret, never the secret', () => {
    const { key, hash } = generateApiKey();
    expect(hash.length).toBe(32);
    expect(hash.toString('hex')).not.toContain(key.slice(21));
    expect(hashSecret(parseApiKey(key)!.secret).equals(hash)).toBe(true);
  });

  it('refuse a wrong secret and malformed keys', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(secretMatches(parseApiKey(b.key)!.secret, a.hash)).toBe(false);
    expect(secretMatches('x', Buffer.alloc(3))).toBe(false);
    for (const bad of [
      '',
      'tsk_',
      a.key.slice(0, -1),
      `${a.key}x`,
      a.key.replace('tsk_', 'tsx_'),
      a.key.replace(/^tsk_[0-9a-f]{16}_/, 'tsk_ZZZZZZZZZZZZZZZZ_'),
      a.key.replace(/^(tsk_[0-9a-f]{16})_/, '$1-'),
      `Bearer ${a.key}`,
    ]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });

  it('are usable until revoked or expired', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const later = new Date('2026-01-02T00:00:00Z');
    const earlier = new Date('2025-12-31T00:00:00Z');
    expect(isKeyUsable({ expiresAt: null, revokedAt: null }, now)).toBe(true);
    expect(isKeyUsable({ expiresAt: later, revokedAt: null }, now)).toBe(true);
    expect(isKeyUsable({ expiresAt: earlier, revokedAt: null }, now)).toBe(false);
    expect(isKeyUsable({ expiresAt: now, revokedAt: null }, now)).toBe(false);
    expect(isKeyUsable({ expiresAt: null, revokedAt: earlier }, now)).toBe(false);
  });
});

describe('roles', () => {
  const ADMINISTRATION = [
    'tenant:write',
    'team:write',
    'key:manage',
    'audit:read',
    'policy:write',
    'revocation:write',
    'signing-key:write',
    'pins:write',
  ] as const;
  const admin: Principal = { tenantId: 't', keyId: 'k1', role: 'admin', teamId: null };
  const dev: Principal = { tenantId: 't', keyId: 'k2', role: 'developer', teamId: 'team-a' };

  it('give admins everything in their tenant', () => {
    for (const p of ADMINISTRATION) {
      expect(can(admin, p)).toBe(true);
    }
    expect(can(admin, 'signing-key:read')).toBe(true);
    expect(can(admin, 'token:inspect')).toBe(true);
    expect(can(admin, 'pins:read')).toBe(true);
    expect(canSeeTeam(admin, 'team-b')).toBe(true);
    expect(canWriteTeamResources(admin, 'team-b')).toBe(true);
  });

  it('give developers their own team, read-only elsewhere, and no administration', () => {
    expect(can(dev, 'tenant:read')).toBe(true);
    expect(can(dev, 'pins:read')).toBe(true);
    expect(can(dev, 'team:read')).toBe(true);
    expect(can(dev, 'app:read')).toBe(true);
    expect(can(dev, 'app:write')).toBe(true);
    expect(can(dev, 'policy:read')).toBe(true);
    expect(can(dev, 'revocation:read')).toBe(true);
    expect(can(dev, 'signing-key:read')).toBe(true);
    expect(can(dev, 'token:inspect')).toBe(true);
    for (const p of ADMINISTRATION) {
      expect(can(dev, p)).toBe(false);
    }
    expect(canSeeTeam(dev, 'team-a')).toBe(true);
    expect(canSeeTeam(dev, 'team-b')).toBe(false);
    expect(canWriteTeamResources(dev, 'team-a')).toBe(true);
    expect(canWriteTeamResources(dev, 'team-b')).toBe(false);
  });

  it('tie developer keys to a team and admin keys to the tenant', () => {
    expect(keyScopeProblem('developer', null)).toMatch(/teamId/);
    expect(keyScopeProblem('developer', 'team-a')).toBeUndefined();
    expect(keyScopeProblem('admin', 'team-a')).toMatch(/tenant-wide/);
    expect(keyScopeProblem('admin', undefined)).toBeUndefined();
  });
});
