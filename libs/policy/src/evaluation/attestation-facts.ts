import type { AppIdentifiers, AttestationReason, Build, PolicyRules, SdkEvidencePayload } from '@tessera/contracts';
import type { EvidenceKind } from '../kinds';

/** A registration (genuine app build) as the registry view holds it. */
export interface RegistrationRecord {
  registrationId: string;
  build: Build;
  createdAt: string;
  expiresAt: string | null;
}

/** A device override as the registry view holds it; `appId` null: every app of the tenant. */
export interface DeviceOverrideRecord {
  overrideId: string;
  appId: string | null;
  verdict: 'pass' | 'fail';
  expiresAt: string | null;
}

export type RevocationSubjectKind = 'device' | 'installation' | 'registration' | 'token';

/** Everything an attestation's verdict depends on, gathered by the caller (the integrity service) beforehand. */
export interface AttestationFacts {
  /** Epoch ms. */
  now: number;
  tenantStatus: 'active' | 'suspended';
  app: { appId: string; identifiers: AppIdentifiers };
  /** The app's policy, already resolved (DEFAULT_POLICY_RULES for an app without one). */
  rules: PolicyRules;
  /** Every registration of the app the registry holds, expired ones too. */
  registrations: readonly RegistrationRecord[];
  evidence: {
    /** RFC 7638 thumbprint of the verified installation key. */
    installationId: string;
    /** The device id the token will carry (the installation id, for SDK evidence). */
    deviceId: string;
    /** Its signature and nonce already verified by the caller. */
    payload: SdkEvidencePayload;
    /** The kinds of evidence sent and verified; today always ['sdk']. */
    supplied: readonly EvidenceKind[];
  };
  /** The overrides naming this device in this tenant, for any app, expired ones too. */
  overrides: readonly DeviceOverrideRecord[];
  isRevoked(kind: RevocationSubjectKind, value: string): boolean;
}

export type AttestationVerdict =
  | {
      verdict: 'pass';
      registrationId: string;
      reasons: readonly [];
      /** Present signals whose rule is `monitor`. */
      monitored: readonly AttestationReason[];
      /** A device override waived the policy's evidence, signal and SDK version rules. */
      overridden: boolean;
    }
  | {
      verdict: 'fail';
      /** The build's registration when one matched, so the audit trail names it. */
      registrationId: string | null;
      /** Never empty; every reason that applies, in a stable order. */
      reasons: readonly AttestationReason[];
      monitored: readonly AttestationReason[];
    };
