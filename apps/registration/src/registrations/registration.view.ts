import type { Build } from '@tessera/contracts';

export type RegistrationSource = 'fields' | 'apk';

/** A registration (one genuine build of an app) as the admin API shows it. Fields of the other platform are null. */
export interface RegistrationView {
  id: string;
  appId: string;
  teamId: string;
  platform: 'android' | 'ios';
  // Android
  packageName: string | null;
  /** Inclusive; max null: this versionCode and every later one. */
  versionCodes: { min: number; max: number | null } | null;
  signingCertificateSha256: string[] | null;
  /** The v3 proof-of-rotation lineage, oldest first, ending with the current signer; [] without rotation. */
  lineageCertificateSha256: string[] | null;
  versionName: string | null;
  // iOS
  appleTeamId: string | null;
  bundleId: string | null;
  version: string | null;
  source: RegistrationSource;
  createdAt: Date;
  expiresAt: Date | null;
  /** expired from `expiresAt` on, whether or not the sweeper has published it yet. */
  status: 'active' | 'expired';
}

/** A row as pg returns it: bigint columns arrive as strings. */
export interface RegistrationRow extends Omit<RegistrationView, 'versionCodes'> {
  tenantId: string;
  versionCodeMin: string | null;
  versionCodeMax: string | null;
}

export const REGISTRATION_COLUMNS = `id, tenant_id AS "tenantId", app_id AS "appId", team_id AS "teamId", platform,
  package_name AS "packageName", version_code_min AS "versionCodeMin", version_code_max AS "versionCodeMax",
  signing_certificate_sha256 AS "signingCertificateSha256", lineage_certificate_sha256 AS "lineageCertificateSha256",
  version_name AS "versionName", apple_team_id AS "appleTeamId", bundle_id AS "bundleId", version, source,
  created_at AS "createdAt", expires_at AS "expiresAt",
  CASE WHEN expires_at <= now() THEN 'expired' ELSE 'active' END AS status`;

/** A version code column: pg answers bigint as text; every stored value is a safe integer (checked on the way in). */
function versionCodeOf(column: string): number {
  const value = Number(column);
  if (!Number.isSafeInteger(value)) throw new Error(`version code ${column} is not a safe integer`);
  return value;
}

export function registrationView(row: RegistrationRow): RegistrationView {
  const { tenantId: _tenantId, versionCodeMin, versionCodeMax, ...rest } = row;
  return {
    ...rest,
    versionCodes:
      versionCodeMin === null
        ? null
        : { min: versionCodeOf(versionCodeMin), max: versionCodeMax === null ? null : versionCodeOf(versionCodeMax) },
  };
}

/** The build a registration stands for, as events carry it. */
export function buildOf(registration: RegistrationView): Build {
  if (registration.platform === 'android') {
    return {
      platform: 'android',
      packageName: registration.packageName ?? '',
      versionCodes: registration.versionCodes ?? { min: 0, max: null },
      signingCertificateSha256: registration.signingCertificateSha256 ?? [],
      lineageCertificateSha256: registration.lineageCertificateSha256 ?? [],
      versionName: registration.versionName,
    };
  }
  return {
    platform: 'ios',
    appleTeamId: registration.appleTeamId ?? '',
    bundleId: registration.bundleId ?? '',
    version: registration.version,
  };
}

/** The audit summary of a registration: its app, the build's identity, its expiry and where it came from. */
export function registrationSummary(registration: RegistrationView): Record<string, unknown> {
  return {
    appId: registration.appId,
    teamId: registration.teamId,
    ...buildOf(registration),
    source: registration.source,
    expiresAt: registration.expiresAt,
  };
}
