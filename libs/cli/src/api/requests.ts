import type { Role } from '@tessera/access';
import type { Platform, SigningAlgorithm } from '@tessera/contracts';
import type { PresetName } from '@tessera/policy';
import type { PageQuery, RevocationKind, Status } from './views';

/**
 * What the CLI sends: request bodies and queries of the admin API, field for field as the zod schemas of
 * apps/registration/src/<area>/<area>.schemas.ts take them (they refuse unknown fields).
 */

export type JsonObject = { [key: string]: unknown };

export interface CreateTeamBody {
  name: string;
  description?: string;
}

export interface UpdateTeamBody {
  name?: string;
  description?: string;
}

export interface ListKeysQuery extends PageQuery {
  teamId?: string;
}

export interface CreateKeyBody {
  name: string;
  role: Role;
  teamId?: string;
  expiresAt?: string;
}

export interface ListAppsQuery extends PageQuery {
  teamId?: string;
  platform?: Platform;
}

export type CreateAppBody =
  | { name: string; teamId?: string; platform: 'android'; packageName: string }
  | { name: string; teamId?: string; platform: 'ios'; appleTeamId: string; bundleId: string };

/** How long something lasts: a duration (`600s`, `30m`, `12h`, `7d`) or an end time; never both. */
export interface Expiry {
  expireAfter?: string;
  expiresAt?: string;
}

export interface ListRegistrationsQuery extends PageQuery {
  appId?: string;
  teamId?: string;
  platform?: Platform;
  status?: Status;
}

export type CreateRegistrationBody = Expiry & {
  appId: string;
  // Android
  versionCode?: number;
  /** max left out: this versionCode and every later one. */
  versionCodes?: { min: number; max?: number };
  signingCertificateSha256?: string[];
  lineageCertificateSha256?: string[];
  versionName?: string;
  // iOS
  version?: string;
};

export interface ApkUploadQuery extends Expiry {
  appId?: string;
  /** `exact`: only the APK's versionCode; `from`: it and every later one. */
  versionCodes?: 'exact' | 'from';
}

export interface CreatePolicyBody {
  name: string;
  /** The rules to start from; the API's default is `default`. */
  preset?: PresetName;
  /** Partial rules laid over the preset's. */
  rules?: JsonObject;
}

export interface UpdatePolicyBody {
  name?: string;
  /** Partial rules laid over the current ones. */
  rules?: JsonObject;
}

/** Pages of secure strings are in name order: the cursor is the last name of the previous page. */
export type ListSecureStringsQuery = PageQuery;

export interface ListDeviceOverridesQuery extends PageQuery {
  deviceId?: string;
  appId?: string;
  status?: Status;
}

export type CreateDeviceOverrideBody = Expiry & {
  deviceId: string;
  appId?: string;
  verdict: 'pass' | 'fail';
  reason?: string;
};

export interface ListRevocationsQuery extends PageQuery {
  kind?: RevocationKind;
  value?: string;
  status?: Status;
}

export type CreateRevocationBody = Expiry & {
  subject: { kind: RevocationKind; value: string };
  reason?: string;
};

export interface AuditQuery extends PageQuery {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
}

/*
 * The token service's admin API: bodies as the zod schemas of apps/token/src/admin/signing-keys.schemas.ts take them.
 */

export interface RotateSigningKeysBody {
  /** Sign with the next key even though it has been published for less than the publish lead. */
  force?: boolean;
}

export interface RevokeSigningKeyBody {
  /** 1-500 characters. */
  reason: string;
}

/** At least one field. */
export interface UpdateSigningSettingsBody {
  algorithm?: SigningAlgorithm;
  /** 3600 (an hour) to 31536000 (a year). */
  rotationPeriodSeconds?: number;
  audience?: string;
}

export interface InspectTokenBody {
  /** At most 8192 characters. */
  token: string;
  /** The audience to check; by default the tenant's. */
  audience?: string;
}
