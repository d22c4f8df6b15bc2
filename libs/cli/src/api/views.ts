import type { Role } from '@tessera/access';
import type {
  Platform,
  PolicyRules,
  PublicJwk,
  SigningAlgorithm,
  SigningKeyState,
  TokenAnnotations,
} from '@tessera/contracts';
import type { PresetName } from '@tessera/policy';
import type { TokenRefusalReason } from '@tessera/tokens';

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

/*
 * The token service's admin API (apps/token/src/admin): the tenant's signing keys and settings, token inspection.
 */

/** A signing key as the token service shows it: never its private part. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  state: SigningKeyState;
  /** null for HS256 keys: a shared secret has no public part. */
  publicJwk: PublicJwk | null;
  createdAt: string;
  /** When it started signing. */
  activatedAt: string | null;
  /** When it stopped signing (rotated out or revoked). */
  deactivatedAt: string | null;
  /** When it leaves the JWKS, once every token it signed has expired. */
  retiresAt: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
}

/** `GET /v1/signing-keys` (newest first) and `POST /v1/signing-keys/rotate` (the next, active and retiring keys). */
export interface SigningKeyList {
  items: SigningKey[];
}

/** `GET /v1/signing-keys/:kid/secret`: an HS256 key's shared secret, base64url. */
export interface SigningKeySecret {
  kid: string;
  alg: 'HS256';
  secret: string;
}

export interface SigningSettings {
  tenantId: string;
  /** What new keys are made for. */
  algorithm: SigningAlgorithm;
  /** How long a key signs before the next one takes over. */
  rotationPeriodSeconds: number;
  /** The `aud` of the tenant's tokens. */
  audience: string;
  /** The `iss` of the tenant's tokens. */
  issuer: string;
  /** Where API servers fetch the tenant's public keys: the issuer plus `/.well-known/jwks.json`. */
  jwksUri: string;
}

/** The claims of a Tessera token (libs/tokens/src/token-claims.ts). */
export interface TokenClaims {
  iss: string;
  aud: string;
  /** The app id. */
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  /** Device id. */
  did: string;
  /** Thumbprint of the installation key. */
  ipk: string;
  /** The registration (app build) the attestation matched. */
  reg: string;
  /** Token binding: SHA-256 of the bound header value. */
  pay?: string;
  ann?: TokenAnnotations;
}

/** `POST /v1/tokens/inspect`: 200 either way; an invalid token is an answer, with why. */
export type TokenInspection =
  | {
      valid: true;
      header: { alg: string; typ: string; kid: string };
      claims: TokenClaims;
      /** The state of the key that signed it. */
      keyState: SigningKeyState;
    }
  | {
      valid: false;
      reason: TokenRefusalReason;
      detail: string;
      /** What the token says, unverified, when it could be decoded. */
      header?: Record<string, unknown>;
      claims?: Record<string, unknown>;
    };
