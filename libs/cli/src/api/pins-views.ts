import type { DomainPin, Pin, PinConfigKeySet, PinMode, ReportedChainCertificate } from '@tessera/contracts';
import type { CertificateExpiry, RotationState } from '@tessera/pins';

/**
 * What the pins service's admin API answers (docs/pins.md): the views of apps/pins/src/<area>/*.view.ts, with times
 * as ISO-8601 strings.
 */

export interface ProtectedDomain {
  id: string;
  /** The same as `id` (the event's name for it). */
  domainId: string;
  pattern: string;
  port: number;
  mode: PinMode;
  /** null: every app of the tenant. */
  appIds: string[] | null;
  pins: DomainPin[];
  revision: number;
  createdAt: string;
  updatedAt: string;
  /** The soonest pinned certificate's expiry; null when no pin came from a certificate. */
  certificateExpiry: CertificateExpiry | null;
}

export interface PinRotation {
  id: string;
  /** The same as `id` (the event's name for it). */
  rotationId: string;
  state: RotationState;
  domainId: string;
  newPins: DomainPin[];
  retirePins: Pin[];
  startsAt: string;
  maxConfigLifetimeSeconds: number;
  publishedAt: string | null;
  /** When the old pins may go: publication plus the longest config lifetime. */
  retireAllowedAt: string | null;
  switchedAt: string | null;
  retiredAt: string | null;
  cancelledAt: string | null;
  emergency: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A retirement's answer: the rotation and the domain's set after it. */
export interface RetiredRotation {
  rotation: PinRotation;
  domain: Omit<ProtectedDomain, 'certificateExpiry'>;
}

export interface EmergencyReplacement extends RetiredRotation {
  /** What the skipped checks would have refused. */
  warnings: string[];
}

export interface PinViolation {
  reportId: string;
  appId: string;
  identity: 'verified' | 'claimed';
  installationId: string;
  deviceId: string | null;
  sdkVersion: string;
  hostname: string;
  port: number;
  pattern: string;
  expectedPins: Pin[];
  servedChain: ReportedChainCertificate[];
  configVersion: number;
  occurredAt: string;
  receivedAt: string;
  clientIp: string | null;
}

/** What an app ships: its signed config as of now, and the keys later configs are signed with. */
export interface InitialPinConfig {
  tenant: string;
  appId: string;
  version: number;
  config: string;
  keys: PinConfigKeySet;
}
