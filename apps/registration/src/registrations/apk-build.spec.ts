import type { ApkIdentity } from '@tessera/apk';
import { apkBuild } from './apk-build';

const digest = (n: number) => n.toString(16).padStart(64, '0');

const identity = (change: Partial<ApkIdentity> = {}): ApkIdentity => ({
  ok: true,
  packageName: 'com.example.app',
  versionCode: 25,
  versionCodeMajor: 1,
  longVersionCode: 4294967321n,
  versionName: '2.0',
  minSdkVersion: 24,
  targetSdkVersion: 34,
  signerCertSha256: [digest(1)],
  lineageCertSha256: null,
  schemesPresent: { v1: false, v2: true, v3: true },
  schemesVerified: { v1: false, v2: true, v3: true },
  ...change,
});

describe('apkBuild', () => {
  it('registers exactly the APK’s long versionCode, or it and every later one', () => {
    expect(apkBuild(identity(), 'exact')).toEqual({
      ok: true,
      build: {
        platform: 'android',
        packageName: 'com.example.app',
        versionCodes: { min: 4294967321, max: 4294967321 },
        signingCertificateSha256: [digest(1)],
        lineageCertificateSha256: [],
        versionName: '2.0',
      },
    });
    expect(apkBuild(identity(), 'from')).toMatchObject({
      ok: true,
      build: { versionCodes: { min: 4294967321, max: null } },
    });
  });

  it('keeps the v3 lineage, oldest first', () => {
    const lineage = [digest(7), digest(8), digest(1)];
    expect(apkBuild(identity({ lineageCertSha256: lineage }), 'exact')).toMatchObject({
      ok: true,
      build: { lineageCertificateSha256: lineage },
    });
  });

  it('refuses what a registration cannot hold, with a reason', () => {
    const cases: [Partial<ApkIdentity>, string][] = [
      [{ longVersionCode: 2n ** 53n }, 'version-code-too-large'],
      [{ signerCertSha256: Array.from({ length: 11 }, (_, i) => digest(i)) }, 'too-many-signers'],
      [{ lineageCertSha256: Array.from({ length: 21 }, (_, i) => digest(i)) }, 'lineage-too-long'],
      [{ versionName: 'x'.repeat(101) }, 'version-name-too-long'],
    ];
    for (const [change, reason] of cases) {
      const result = apkBuild(identity(change), 'exact');
      expect(result).toMatchObject({ ok: false, reason });
      if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
    }
  });
});
