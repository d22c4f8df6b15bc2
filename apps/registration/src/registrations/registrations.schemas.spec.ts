import { describeIssues } from '@tessera/service-runtime';
import { ApkUploadQuery, CertificateDigest, CreateRegistrationBody } from './registrations.schemas';

const hex = 'fb5dbd3c669af9fc236c6991e6387b7f11ff0590997f22d0f5c74ff40e04fca8';
const appId = '0b5b7c56-3c1e-4e8f-a1c7-7f6d0f4d2b10';

const problems = (body: unknown): string[] => {
  const result = CreateRegistrationBody.safeParse(body);
  return result.success ? [] : describeIssues(result.error);
};

describe('registration request schemas', () => {
  it('normalises certificate digests to lowercase hex, from plain hex or keytool’s colon-separated pairs', () => {
    expect(CertificateDigest.parse(hex.toUpperCase())).toBe(hex);
    expect(CertificateDigest.parse((hex.toUpperCase().match(/../g) ?? []).join(':'))).toBe(hex);
    expect(CertificateDigest.parse(` ${hex} `)).toBe(hex);
    for (const bad of [
      hex.slice(2),
      `${hex}00`,
      `${hex.slice(0, 62)}zz`,
      'FB:5D',
      `${hex.slice(0, 2)}:${hex.slice(2)}`,
    ]) {
      expect(CertificateDigest.safeParse(bad).success).toBe(false);
    }
  });

  it('reads a duration or a future time as the expiry, never both', () => {
    const parsed = CreateRegistrationBody.parse({ appId, version: '1.0', expireAfter: '30m' });
    expect(parsed.expireAfter).toBe(1_800_000);
    const at = CreateRegistrationBody.parse({ appId, expiresAt: '2030-01-01T00:00:00Z' });
    expect(at.expiresAt).toEqual(new Date('2030-01-01T00:00:00Z'));
    expect(problems({ appId, expireAfter: '30m', expiresAt: '2030-01-01T00:00:00Z' })).toEqual([
      'expiresAt: give expireAfter or expiresAt, not both',
    ]);
  });

  it('checks version code ranges', () => {
    expect(problems({ appId, versionCodes: { min: 5, max: 4 } })).toEqual([
      'versionCodes: min must not be greater than max',
    ]);
    expect(problems({ appId, versionCodes: { min: 5, max: 5 } })).toEqual([]);
    expect(problems({ appId, versionCodes: { min: 5, max: null } })).toEqual([]);
    expect(problems({ appId, versionCodes: { min: 1.5 } })).toEqual(['versionCodes.min: expected an integer']);
    expect(problems({ appId, versionCodes: { max: 3 } })).toEqual([
      'versionCodes.min: Invalid input: expected number, received undefined',
    ]);
  });

  it('takes an APK upload’s options from the query, exact versionCode by default', () => {
    expect(ApkUploadQuery.parse({})).toEqual({ versionCodes: 'exact' });
    expect(ApkUploadQuery.parse({ appId, versionCodes: 'from', expireAfter: '600s' })).toEqual({
      appId,
      versionCodes: 'from',
      expireAfter: 600_000,
    });
  });
});
