import { EventCatalog } from '../event-catalog';
import { Topics } from '../topics';
import { ALL_EVENTS } from './index';
import { RevocationUpsertedV1 } from './revocation.events';

const catalog = new EventCatalog();
const revocation = {
  revocationId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  subject: { kind: 'device' as const, value: 'android-0123456789abcdef' },
  reason: 'lost phone',
  createdAt: '2026-11-22T04:08:59.105Z',
  expiresAt: null,
};

describe('revocation.upserted v1', () => {
  it('is listed, goes to the compacted revocations topic and is keyed <tenant>/revocation/<id>', () => {
    expect(ALL_EVENTS).toContain(RevocationUpsertedV1);
    expect(RevocationUpsertedV1.topic).toBe(Topics.revocations);
    const envelope = catalog.build(RevocationUpsertedV1, {
      tenant: 'acme',
      producer: 'registration',
      data: revocation,
    });
    expect(envelope).toMatchObject({
      type: 'revocation.upserted',
      version: 1,
      key: `acme/revocation/${revocation.revocationId}`,
      data: revocation,
    });
  });

  it('takes no reason and an expiry time', () => {
    const { reason: _reason, ...withoutReason } = revocation;
    const data = { ...withoutReason, expiresAt: '2026-11-29T04:08:59.105Z' };
    expect(RevocationUpsertedV1.schema.parse(data)).toEqual(data);
  });

  it.each([
    ['an unknown kind', { ...revocation, subject: { kind: 'app', value: 'x' } }],
    ['an empty value', { ...revocation, subject: { kind: 'token', value: '' } }],
    ['a value over 256 characters', { ...revocation, subject: { kind: 'device', value: 'd'.repeat(257) } }],
    ['a reason over 500 characters', { ...revocation, reason: 'r'.repeat(501) }],
    ['a missing expiresAt', { ...revocation, expiresAt: undefined }],
  ])('refuses %s', (_what, data) => {
    expect(RevocationUpsertedV1.schema.safeParse(data).success).toBe(false);
  });
});
