import { randomBytes } from 'node:crypto';
import { ApiKeyUpsertedV1, type EventData } from '@tessera/contracts';
import {
  type ApiKeyLookup,
  authenticateApiKey,
  generateApiKey,
  hashSecret,
  parseApiKey,
  type StoredApiKey,
  storedApiKeyFromEvent,
} from './index';

const now = new Date('2026-12-01T12:00:00.000Z');
const hourAgo = new Date(now.getTime() - 3_600_000);
const inAnHour = new Date(now.getTime() + 3_600_000);

/** A developer key of tenant acme and its stored form; `change` alters what is stored. */
function keyFixture(change: Partial<StoredApiKey> = {}) {
  const generated = generateApiKey();
  const stored: StoredApiKey = {
    tenantId: 'acme',
    keyId: generated.id,
    role: 'developer',
    teamId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
    secretHash: generated.hash,
    expiresAt: inAnHour,
    revokedAt: null,
    tenantActive: true,
    ...change,
  };
  const asked: string[] = [];
  const lookup: ApiKeyLookup = (keyId) => {
    asked.push(keyId);
    return Promise.resolve(keyId === stored.keyId ? stored : undefined);
  };
  return { key: generated.key, stored, lookup, asked };
}

describe('authenticateApiKey', () => {
  it('answers the principal of a valid key, looked up by its id', async () => {
    const { key, stored, lookup, asked } = keyFixture();
    await expect(authenticateApiKey(`Bearer ${key}`, lookup, now)).resolves.toEqual({
      tenantId: 'acme',
      keyId: stored.keyId,
      role: 'developer',
      teamId: stored.teamId,
    });
    expect(asked).toEqual([stored.keyId]);
  });

  it('takes the scheme in any case and more than one space after it', async () => {
    const { key, lookup } = keyFixture({ role: 'admin', teamId: null, expiresAt: null });
    for (const header of [`bearer ${key}`, `BEARER  ${key}`]) {
      await expect(authenticateApiKey(header, lookup, now)).resolves.toMatchObject({ role: 'admin', teamId: null });
    }
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the key without a scheme', 'KEY'],
    ['another scheme', 'Basic KEY'],
    ['the scheme alone', 'Bearer '],
    ['something after the key', 'Bearer KEY extra'],
    ['a header sent twice', ['Bearer KEY', 'Bearer KEY']],
  ])('refuses %s without looking anything up', async (_what, header) => {
    const { key, lookup, asked } = keyFixture();
    const presented =
      typeof header === 'string' ? header.replace('KEY', key) : header?.map((h) => h.replace('KEY', key));
    await expect(authenticateApiKey(presented, lookup, now)).resolves.toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('refuses malformed keys without looking anything up', async () => {
    const { key, lookup, asked } = keyFixture();
    for (const malformed of ['tsk_nope', key.slice(0, -1), key.replace('tsk_', 'tsx_'), `${key}x`]) {
      await expect(authenticateApiKey(`Bearer ${malformed}`, lookup, now)).resolves.toBeUndefined();
    }
    expect(asked).toEqual([]);
  });

  it('refuses an unknown key id', async () => {
    const { lookup, asked } = keyFixture();
    const unknown = generateApiKey();
    await expect(authenticateApiKey(`Bearer ${unknown.key}`, lookup, now)).resolves.toBeUndefined();
    expect(asked).toEqual([unknown.id]);
  });

  it('refuses a wrong secret for a known key id', async () => {
    const { key, stored, lookup } = keyFixture();
    const wrongSecret = `tsk_${stored.keyId}_${randomBytes(32).toString('base64url')}`;
    expect(parseApiKey(wrongSecret)?.id).toBe(stored.keyId);
    await expect(authenticateApiKey(`Bearer ${wrongSecret}`, lookup, now)).resolves.toBeUndefined();
    // The same key with its own secret passes, so the refusal is the secret's.
    await expect(authenticateApiKey(`Bearer ${key}`, lookup, now)).resolves.toBeDefined();
  });

  it('refuses a key whose lookup answered another key, even with that key’s secret', async () => {
    const asked = keyFixture();
    const other = keyFixture();
    const confused: ApiKeyLookup = () => Promise.resolve(other.stored);
    const forged = `tsk_${asked.stored.keyId}_${other.key.slice(21)}`;
    await expect(authenticateApiKey(`Bearer ${forged}`, confused, now)).resolves.toBeUndefined();
  });

  it('refuses an expired key, from the instant it expires', async () => {
    const { key, lookup } = keyFixture({ expiresAt: now });
    await expect(authenticateApiKey(`Bearer ${key}`, lookup, now)).resolves.toBeUndefined();
    await expect(authenticateApiKey(`Bearer ${key}`, lookup, hourAgo)).resolves.toBeDefined();
  });

  it('refuses a revoked key', async () => {
    const { key, lookup } = keyFixture({ revokedAt: hourAgo });
    await expect(authenticateApiKey(`Bearer ${key}`, lookup, now)).resolves.toBeUndefined();
  });

  it('refuses a key of a tenant that is not active', async () => {
    const { key, lookup } = keyFixture({ tenantActive: false });
    await expect(authenticateApiKey(`Bearer ${key}`, lookup, now)).resolves.toBeUndefined();
  });

  it('reads the clock when not given one', async () => {
    const live = keyFixture({ expiresAt: new Date(Date.now() + 60_000) });
    const expired = keyFixture({ expiresAt: new Date(Date.now() - 1) });
    await expect(authenticateApiKey(`Bearer ${live.key}`, live.lookup)).resolves.toBeDefined();
    await expect(authenticateApiKey(`Bearer ${expired.key}`, expired.lookup)).resolves.toBeUndefined();
  });
});

describe('storedApiKeyFromEvent', () => {
  const generated = generateApiKey();
  const data: EventData<typeof ApiKeyUpsertedV1> = {
    keyId: generated.id,
    role: 'developer',
    teamId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
    secretHash: generated.hash.toString('base64'),
    createdAt: '2026-12-01T10:00:00.000Z',
    expiresAt: '2026-12-02T10:00:00.000+00:00',
    revokedAt: null,
  };

  it('turns the event into the stored key: tenant from the envelope, hash decoded from base64, times as dates', () => {
    expect(ApiKeyUpsertedV1.schema.safeParse(data).success).toBe(true);
    expect(storedApiKeyFromEvent('acme', data)).toEqual({
      tenantId: 'acme',
      keyId: generated.id,
      role: 'developer',
      teamId: data.teamId,
      secretHash: generated.hash,
      expiresAt: new Date('2026-12-02T10:00:00.000Z'),
      revokedAt: null,
    });
  });

  it('authenticates the key it describes, and stops once a later event says it is revoked', async () => {
    const stored = { ...storedApiKeyFromEvent('acme', data), tenantActive: true };
    expect(stored.secretHash.equals(hashSecret(parseApiKey(generated.key)!.secret))).toBe(true);
    const before = new Date('2026-12-01T12:00:00.000Z');
    await expect(authenticateApiKey(`Bearer ${generated.key}`, () => Promise.resolve(stored), before)).resolves.toEqual(
      {
        tenantId: 'acme',
        keyId: generated.id,
        role: 'developer',
        teamId: data.teamId,
      },
    );
    const revoked = {
      ...storedApiKeyFromEvent('acme', { ...data, revokedAt: '2026-12-01T11:00:00.000Z' }),
      tenantActive: true,
    };
    expect(revoked.revokedAt).toEqual(new Date('2026-12-01T11:00:00.000Z'));
    await expect(
      authenticateApiKey(`Bearer ${generated.key}`, () => Promise.resolve(revoked), before),
    ).resolves.toBeUndefined();
  });

  it('keeps an admin key tenant-wide and a key without expiry unexpiring', () => {
    const admin = storedApiKeyFromEvent('acme', { ...data, role: 'admin', teamId: null, expiresAt: null });
    expect(admin).toMatchObject({ role: 'admin', teamId: null, expiresAt: null });
  });
});
