import { EventCatalog } from '../event-catalog';
import { Topics } from '../topics';
import { ALL_EVENTS } from './index';
import { RegistrationUpsertedV1 } from './registration.events';

const catalog = new EventCatalog();
const digest = 'fb5dbd3c669af9fc236c6991e6387b7f11ff0590997f22d0f5c74ff40e04fca8';
const android = {
  registrationId: '7d7f8e0c-4d2c-4b8e-9c55-2f0f6f0e2a11',
  appId: '0b5b7c56-3c1e-4e8f-a1c7-7f6d0f4d2b10',
  teamId: 'c8a7a0d2-5c1f-4bb5-9f57-52a0c4a2d3e4',
  build: {
    platform: 'android' as const,
    packageName: 'com.example.app',
    versionCodes: { min: 4294967321, max: null },
    signingCertificateSha256: [digest],
    lineageCertificateSha256: [],
    versionName: '2.0',
  },
  source: 'apk' as const,
  createdAt: '2026-11-01T00:00:00.000Z',
  expiresAt: '2026-11-01T00:10:00.000Z',
};
const ios = {
  ...android,
  build: { platform: 'ios' as const, appleTeamId: 'ABCDE12345', bundleId: 'com.example.app', version: null },
  source: 'fields' as const,
  expiresAt: null,
};

describe('registration.upserted v1', () => {
  it('is listed, goes to the compacted registry topic and is keyed <tenant>/registration/<id>', () => {
    expect(ALL_EVENTS).toContain(RegistrationUpsertedV1);
    expect(RegistrationUpsertedV1.topic).toBe(Topics.registry);
    const envelope = catalog.build(RegistrationUpsertedV1, { tenant: 'acme', producer: 'registration', data: android });
    expect(envelope).toMatchObject({
      type: 'registration.upserted',
      version: 1,
      key: `acme/registration/${android.registrationId}`,
      data: android,
    });
  });

  it('carries builds of both platforms and round-trips through the catalog', () => {
    for (const data of [android, ios]) {
      const envelope = catalog.build(RegistrationUpsertedV1, { tenant: 'acme', producer: 'registration', data });
      const parsed = catalog.parse(JSON.stringify(envelope));
      expect(parsed.ok && parsed.envelope.data).toEqual(data);
    }
  });

  it.each([
    [
      'an upper-case digest',
      { ...android, build: { ...android.build, signingCertificateSha256: [digest.toUpperCase()] } },
    ],
    ['no signer', { ...android, build: { ...android.build, signingCertificateSha256: [] } }],
    ['a fractional versionCode', { ...android, build: { ...android.build, versionCodes: { min: 1.5, max: null } } }],
    ['an unknown source', { ...android, source: 'upload' }],
    ['a negative versionCode', { ...android, build: { ...android.build, versionCodes: { min: -1, max: null } } }],
    [
      'an iOS build without a bundle id',
      { ...ios, build: { platform: 'ios', appleTeamId: 'ABCDE12345', version: null } },
    ],
  ])('refuses %s', (_what, data) => {
    expect(RegistrationUpsertedV1.schema.safeParse(data).success).toBe(false);
  });
});
