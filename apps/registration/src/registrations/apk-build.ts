import type { ApkIdentity, ApkRefusalCode } from '@tessera/apk';
import { AndroidBuildSchema } from '@tessera/contracts';
import type { z } from 'zod';

export type AndroidBuild = z.output<typeof AndroidBuildSchema>;

/** Why an uploaded APK gives no registration: the APK library's codes, and ours about what a registration holds. */
export type ApkUploadRefusalCode =
  | ApkRefusalCode
  | 'package-mismatch'
  | 'version-code-too-large'
  | 'too-many-signers'
  | 'lineage-too-long'
  | 'version-name-too-long';

export type ApkBuildResult =
  { ok: true; build: AndroidBuild } | { ok: false; reason: ApkUploadRefusalCode; message: string };

/**
 * The build a verified APK stands for: its package, its (long) versionCode alone (`exact`) or onwards (`from`), its
 * signer certificates and v3 lineage, its versionName. Refused when it does not fit what a registration holds.
 */
export function apkBuild(identity: ApkIdentity, versionCodes: 'exact' | 'from'): ApkBuildResult {
  if (identity.longVersionCode > BigInt(Number.MAX_SAFE_INTEGER)) {
    return refused(
      'version-code-too-large',
      `the APK's versionCode ${identity.longVersionCode} (with versionCodeMajor) is over ${Number.MAX_SAFE_INTEGER}`,
    );
  }
  const lineage = identity.lineageCertSha256 ?? [];
  const build = {
    platform: 'android' as const,
    packageName: identity.packageName,
    versionCodes: {
      min: Number(identity.longVersionCode),
      max: versionCodes === 'exact' ? Number(identity.longVersionCode) : null,
    },
    signingCertificateSha256: identity.signerCertSha256,
    lineageCertificateSha256: lineage,
    versionName: identity.versionName,
  };
  if (build.signingCertificateSha256.length > 10) {
    return refused('too-many-signers', `the APK has ${build.signingCertificateSha256.length} signers; at most 10`);
  }
  if (lineage.length > 20) {
    return refused('lineage-too-long', `the APK's signing lineage has ${lineage.length} certificates; at most 20`);
  }
  if (build.versionName !== null && build.versionName.length > 100) {
    return refused(
      'version-name-too-long',
      `the APK's versionName has ${build.versionName.length} characters; at most 100 (register it from fields)`,
    );
  }
  // The library only reports verified, well-formed values; the contract check makes sure of what goes out.
  const checked = AndroidBuildSchema.safeParse(build);
  if (!checked.success) return refused('manifest-invalid', `the APK's identity is not one a registration holds`);
  return { ok: true, build: checked.data };
}

function refused(reason: ApkUploadRefusalCode, message: string): ApkBuildResult {
  return { ok: false, reason, message };
}
