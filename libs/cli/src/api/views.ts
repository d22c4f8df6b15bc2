import type { Role } from '@tessera/access';
import type { Build, Platform, PolicyRules } from '@tessera/contracts';

/**
 * What the admin API answers (docs/admin-api.md), as JSON: times are ISO-8601 strings. Registrations, policies,
 * device overrides, secure strings and revocations follow their event contracts in libs/contracts.
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

export interface Registration {
  id: string;
  appId: string;
  teamId: string;
  build: Build;
  source: 'fields' | 'apk';
  createdAt: string;
  expiresAt: string | null;
}

export interface Policy {
  id: string;
  name: string;
  rules: PolicyRules;
  createdAt: string;
  updatedAt: string;
}

/** The built-in rule sets, by preset name. */
export type PolicyPresets = Record<string, PolicyRules>;

export interface DeviceOverride {
  id: string;
  deviceId: string;
  /** null: every app of the tenant. */
  appId: string | null;
  verdict: 'pass' | 'fail';
  reason: string | null;
  createdAt: string;
  expiresAt: string | null;
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
  expiresAt: string | null;
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
