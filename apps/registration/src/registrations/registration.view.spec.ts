import { buildOf, type RegistrationRow, registrationSummary, registrationView } from './registration.view';

const digest = 'ab'.repeat(32);
const createdAt = new Date('2026-11-01T00:00:00Z');

const androidRow: RegistrationRow = {
  id: '7d7f8e0c-4d2c-4b8e-9c55-2f0f6f0e2a11',
  tenantId: 'acme',
  appId: '0b5b7c56-3c1e-4e8f-a1c7-7f6d0f4d2b10',
  teamId: 'c8a7a0d2-5c1f-4bb5-9f57-52a0c4a2d3e4',
  platform: 'android',
  packageName: 'com.example.app',
  versionCodeMin: '4294967321',
  versionCodeMax: null,
  signingCertificateSha256: [digest],
  lineageCertificateSha256: [],
  versionName: '2.0',
  appleTeamId: null,
  bundleId: null,
  version: null,
  source: 'apk',
  createdAt,
  expiresAt: null,
  status: 'active',
};

describe('registration view', () => {
  it('turns the bigint version codes pg answers as text into numbers, and drops the tenant', () => {
    const view = registrationView({ ...androidRow, versionCodeMax: '4294967330' });
    expect(view.versionCodes).toEqual({ min: 4294967321, max: 4294967330 });
    expect(view).not.toHaveProperty('tenantId');
    expect(view).not.toHaveProperty('versionCodeMin');
    expect(registrationView(androidRow).versionCodes).toEqual({ min: 4294967321, max: null });
  });

  it('refuses a version code that is not a safe integer rather than rounding it', () => {
    expect(() => registrationView({ ...androidRow, versionCodeMin: '9007199254740993' })).toThrow(/safe integer/);
  });

  it('gives the build of each platform as events carry it, and an audit summary', () => {
    const android = registrationView(androidRow);
    expect(buildOf(android)).toEqual({
      platform: 'android',
      packageName: 'com.example.app',
      versionCodes: { min: 4294967321, max: null },
      signingCertificateSha256: [digest],
      lineageCertificateSha256: [],
      versionName: '2.0',
    });
    const ios = registrationView({
      ...androidRow,
      platform: 'ios',
      packageName: null,
      versionCodeMin: null,
      signingCertificateSha256: null,
      lineageCertificateSha256: null,
      versionName: null,
      appleTeamId: 'ABCDE12345',
      bundleId: 'com.example.app',
      version: '1.2',
      source: 'fields',
    });
    expect(ios.versionCodes).toBeNull();
    expect(buildOf(ios)).toEqual({
      platform: 'ios',
      appleTeamId: 'ABCDE12345',
      bundleId: 'com.example.app',
      version: '1.2',
    });
    expect(registrationSummary(ios)).toEqual({
      appId: androidRow.appId,
      teamId: androidRow.teamId,
      platform: 'ios',
      appleTeamId: 'ABCDE12345',
      bundleId: 'com.example.app',
      version: '1.2',
      source: 'fields',
      expiresAt: null,
    });
  });
});
