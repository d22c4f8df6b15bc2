import { ROLES } from '@tessera/access';
import { EventCatalog } from '../event-catalog';
import type { EventData } from '../event-definition';
import { Topics } from '../topics';
import { API_KEY_ROLES, ApiKeyUpsertedV1 } from './api-key.events';
import { ALL_EVENTS } from './index';

const catalog = new EventCatalog();
const key: EventData<typeof ApiKeyUpsertedV1> = {
  keyId: '3f9c0a1b2c3d4e5f',
  role: 'developer',
  teamId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  secretHash: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
  createdAt: '2026-12-01T10:00:00.000Z',
  expiresAt: null,
  revokedAt: null,
};

describe('api-key.upserted v1', () => {
  it('is listed, goes to the compacted registry topic and is keyed <tenant>/api-key/<key id>', () => {
    expect(ALL_EVENTS).toContain(ApiKeyUpsertedV1);
    expect(ApiKeyUpsertedV1.topic).toBe(Topics.registry);
    const envelope = catalog.build(ApiKeyUpsertedV1, { tenant: 'acme', producer: 'registration', data: key });
    expect(envelope).toMatchObject({ key: `acme/api-key/${key.keyId}`, data: key });
  });

  it('has exactly the roles libs/access grants', () => {
    expect([...API_KEY_ROLES]).toEqual([...ROLES]);
  });

  it.each([
    ['an admin key with a team', { ...key, role: 'admin' }],
    ['a developer key without a team', { ...key, teamId: null }],
    ['an unknown role', { ...key, role: 'owner' }],
    ['a key id that is not 16 hex', { ...key, keyId: '3F9C0A1B2C3D4E5F' }],
    ['a hash that is not 32 bytes', { ...key, secretHash: 'AAAA' }],
    ['the key itself in place of its hash', { ...key, secretHash: `tsk_${key.keyId}_${'a'.repeat(43)}` }],
  ])('refuses %s', (_what, data) => {
    expect(ApiKeyUpsertedV1.schema.safeParse(data).success).toBe(false);
  });
});
