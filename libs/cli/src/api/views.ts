import type { Role } from '@tessera/access';
import type { Platform, PolicyRules } from '@tessera/contracts';
import type { PresetName } from '@tessera/policy';

/**
 * What the admin API answers (docs/admin-api.md), as JSON: the views of apps/registration/src/<area>/*.view.ts,
 * with times as ISO-8601 strings.
 */

/** One page of a list answer. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

export interface Tenant {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  createdAt: string;
  updatedAt: string;
}

export interface Team {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  teamId: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The answer that creates a key: the only one that carries the key itself. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface App {
  id: string;
  teamId: string;
  name: string;
  platform: Platform;
  packageName: string | null;
  appleTeamId: string | null;
  bundleId: string | null;
  /** null: the built-in default policy. */
  policyId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Whether something that can expire still counts: `expired` from its `expiresAt` on. */
export type ItemStatus = 'active' | 'expired';

/** One genuine build of an app, flat: the fields of the other platform are null. */
export interface Registration {
  id: string;
  appId: string;
  teamId: string;
  platform: Platform;
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
  source: 'fields' | 'apk';
  createdAt: string;
  expiresAt: string | null;
  status: ItemStatus;
}

export interface Policy {
  id: string;
  name: string;
  rules: PolicyRules;
  createdAt: string;
  updatedAt: string;
}

/** A built-in rule set a policy can start from. */
export interface PolicyPreset {
  name: PresetName;
  description: string;
  rules: PolicyRules;
}

/** `GET /v1/policies/presets`. */
export interface PolicyPresets {
  items: PolicyPreset[];
}

export interface DeviceOverride {
  id: string;
  deviceId: string;
  /** null: every app of the tenant. */
  appId: string | null;
  verdict: 'pass' | 'fail';
  reason: string | null;
  status: ItemStatus;
  createdAt: string;
  expiresAt: string | null;
  /** The API key that created it. */
  createdByKeyId: string | null;
}

/** A secure string as the API lists it: never its value. */
export interface SecureString {
  id: string;
  appId: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type RevocationKind = 'device' | 'installation' | 'registration' | 'token';

export interface Revocation {
  id: string;
  subject: { kind: RevocationKind; value: string };
  reason: string | null;
  createdAt: string;
  /** null: until lifted. */
  expiresAt: string | null;
  status: ItemStatus;
  /** The API key that revoked it. */
  createdByKeyId: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { keyId: string | null; teamId: string | null };
  action: string;
  target: { kind: string; id: string };
  before: unknown;
  after: unknown;
}

export type Status = 'active' | 'expired' | 'all';
