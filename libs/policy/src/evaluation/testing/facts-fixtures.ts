import {
  type AppMeasurement,
  type Build,
  type DeviceSignals,
  NO_DEVICE_SIGNALS,
  type PolicyRules,
} from '@tessera/contracts';
import type { EvidenceKind } from '../../kinds';
import { DEFAULT_POLICY_RULES } from '../../presets';
import type {
  AttestationFacts,
  DeviceOverrideRecord,
  RegistrationRecord,
  RevocationSubjectKind,
} from '../attestation-facts';

/**
 * The facts of a genuine attestation, for tests: acme's banking app (Android or iOS) under the default rules, its
 * one registration matching the measured build, a clean device, nothing revoked, no override. Each test changes
 * only what its case is about.
 */

export const NOW = Date.parse('2026-12-02T12:00:00.000Z');
export const APP_ID = '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
export const OTHER_APP_ID = '9f1c2d3e-4b5a-4697-8887-766554433221';
export const REGISTRATION_ID = '11111111-1111-4111-8111-111111111111';
export const DEVICE_ID = 'device-7f3a9c';
export const INSTALLATION_ID = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
export const CERT_A = 'a'.repeat(64);
export const CERT_B = 'b'.repeat(64);
export const CERT_C = 'c'.repeat(64);
export const PACKAGE = 'com.example.bank';
export const TEAM = 'ABCDE12345';
export const BUNDLE = 'com.example.bank';

export type AndroidMeasurement = Extract<AppMeasurement, { platform: 'android' }>;
export type IosMeasurement = Extract<AppMeasurement, { platform: 'ios' }>;
export type AndroidBuild = Extract<Build, { platform: 'android' }>;
export type IosBuild = Extract<Build, { platform: 'ios' }>;

/** The build an Android app measures: signed by A and B, versionCode 42. */
export const androidMeasurement = (change: Partial<AndroidMeasurement> = {}): AndroidMeasurement => ({
  platform: 'android',
  packageName: PACKAGE,
  signingCertificateSha256: [CERT_A, CERT_B],
  versionCode: 42,
  ...change,
});

export const iosMeasurement = (change: Partial<IosMeasurement> = {}): IosMeasurement => ({
  platform: 'ios',
  appleTeamId: TEAM,
  bundleId: BUNDLE,
  version: '2.1',
  ...change,
});

/** Versions 40 to 49 signed by A and B. */
export const androidBuild = (change: Partial<AndroidBuild> = {}): AndroidBuild => ({
  platform: 'android',
  packageName: PACKAGE,
  versionCodes: { min: 40, max: 49 },
  signingCertificateSha256: [CERT_A, CERT_B],
  lineageCertificateSha256: [],
  versionName: null,
  ...change,
});

/** Any version of the team's bundle. */
export const iosBuild = (change: Partial<IosBuild> = {}): IosBuild => ({
  platform: 'ios',
  appleTeamId: TEAM,
  bundleId: BUNDLE,
  version: null,
  ...change,
});

export const registration = (build: Build, change: Partial<RegistrationRecord> = {}): RegistrationRecord => ({
  registrationId: REGISTRATION_ID,
  build,
  createdAt: '2026-11-01T00:00:00.000Z',
  expiresAt: null,
  ...change,
});

export const override = (change: Partial<DeviceOverrideRecord> = {}): DeviceOverrideRecord => ({
  overrideId: '22222222-2222-4222-8222-222222222222',
  appId: APP_ID,
  verdict: 'pass',
  expiresAt: null,
  ...change,
});

/** `ms` from NOW, as an event writes times. */
export const at = (ms: number): string => new Date(NOW + ms).toISOString();

export const NO_SIGNALS: DeviceSignals = NO_DEVICE_SIGNALS;

/** What a case changes in the genuine attestation's facts. */
export interface Scenario {
  platform?: 'android' | 'ios';
  tenantStatus?: AttestationFacts['tenantStatus'];
  rules?: PolicyRules;
  /** The platform's genuine measurement unless given. */
  measurement?: AppMeasurement;
  /** The platform's one genuine registration unless given. */
  registrations?: readonly RegistrationRecord[];
  signals?: Partial<DeviceSignals>;
  sdkVersion?: string;
  supplied?: readonly EvidenceKind[];
  overrides?: readonly DeviceOverrideRecord[];
  revoked?: readonly [RevocationSubjectKind, string][];
}

export function attestationFacts(scenario: Scenario = {}): AttestationFacts {
  const platform = scenario.platform ?? 'android';
  const revoked = scenario.revoked ?? [];
  return {
    now: NOW,
    tenantStatus: scenario.tenantStatus ?? 'active',
    app: {
      appId: APP_ID,
      identifiers:
        platform === 'android' ? { platform, packageName: PACKAGE } : { platform, appleTeamId: TEAM, bundleId: BUNDLE },
    },
    rules: scenario.rules ?? DEFAULT_POLICY_RULES,
    registrations: scenario.registrations ?? [registration(platform === 'android' ? androidBuild() : iosBuild())],
    evidence: {
      installationId: INSTALLATION_ID,
      deviceId: DEVICE_ID,
      payload: {
        tenant: 'acme',
        appId: APP_ID,
        nonce: 'q'.repeat(43),
        iat: Math.floor(NOW / 1000),
        app: scenario.measurement ?? (platform === 'android' ? androidMeasurement() : iosMeasurement()),
        device: {
          signals: { ...NO_SIGNALS, ...scenario.signals },
          sdkVersion: scenario.sdkVersion ?? '1.4.0',
        },
      },
      supplied: scenario.supplied ?? ['sdk'],
    },
    overrides: scenario.overrides ?? [],
    isRevoked: (kind, value) => revoked.some(([k, v]) => k === kind && v === value),
  };
}
