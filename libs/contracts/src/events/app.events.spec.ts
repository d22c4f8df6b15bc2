import { EventCatalog } from '../event-catalog';
import { Topics } from '../topics';
import { AppUpsertedV1 } from './app.events';
import { ALL_EVENTS } from './index';

const catalog = new EventCatalog();
const android = {
  appId: '0b7d2c1e-9a4f-4c3b-8e2d-1f0a9b8c7d6e',
  teamId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  name: 'Wallet',
  identifiers: { platform: 'android' as const, packageName: 'com.example.wallet' },
  policyId: null,
};
const ios = {
  ...android,
  identifiers: { platform: 'ios' as const, appleTeamId: 'ABCDE12345', bundleId: 'com.example.wallet' },
  policyId: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b',
};

describe('app.upserted v1', () => {
  it('is listed, goes to the compacted registry topic and is keyed <tenant>/app/<id>', () => {
    expect(ALL_EVENTS).toContain(AppUpsertedV1);
    expect(AppUpsertedV1.topic).toBe(Topics.registry);
    const envelope = catalog.build(AppUpsertedV1, { tenant: 'acme', producer: 'registration', data: android });
    expect(envelope).toMatchObject({ type: 'app.upserted', version: 1, key: `acme/app/${android.appId}` });
  });

  it('carries the identifiers of both platforms and round-trips through the catalog', () => {
    for (const data of [android, ios]) {
      const envelope = catalog.build(AppUpsertedV1, { tenant: 'acme', producer: 'registration', data });
      const parsed = catalog.parse(JSON.stringify(envelope));
      expect(parsed.ok && parsed.envelope.data).toEqual(data);
    }
  });

  it.each([
    [
      'iOS identifiers without a bundle id',
      { ...android, identifiers: { platform: 'ios', appleTeamId: 'ABCDE12345' } },
    ],
    ['a malformed package name', { ...android, identifiers: { platform: 'android', packageName: 'wallet' } }],
    ['a lower-case Apple team id', { ...ios, identifiers: { ...ios.identifiers, appleTeamId: 'abcde12345' } }],
    ['a policy id that is not a UUID', { ...android, policyId: 'strict' }],
    ['an empty name', { ...android, name: '' }],
  ])('refuses %s', (_what, data) => {
    expect(AppUpsertedV1.schema.safeParse(data).success).toBe(false);
  });
});
