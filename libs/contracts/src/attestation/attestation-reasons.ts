/**
 * Why an attestation failed, one stable code per check. The same codes are in the attestation events, the
 * integrity service's metrics and (only when the app's policy reveals them) the attest response.
 */

/** The evidence itself: its form, its signature and its nonce. */
export const EVIDENCE_REASONS = [
  /** Not the SDK evidence format: a payload or header the schema refuses. */
  'malformed-evidence',
  /** The JWS does not verify with the installation key in its header. */
  'bad-signature',
  /** No challenge was issued with this nonce (or it was cleaned up long ago). */
  'unknown-nonce',
  /** The nonce was consumed by an earlier attestation: a replay. */
  'used-nonce',
  'expired-nonce',
  /** The nonce was issued to another app (or tenant) than the evidence names. */
  'nonce-for-another-app',
] as const;

/** The build and the device, against the registry. */
export const REGISTRY_REASONS = [
  'tenant-suspended',
  /** The measurement names another package/bundle (or platform) than the app is registered with. */
  'app-mismatch',
  /** No registration of the app has this build's signing certificates and version. */
  'unregistered-build',
  /** The build matched registrations, all of them expired. */
  'registration-expired',
  'registration-revoked',
  'device-revoked',
  'installation-revoked',
  /** A device override forces this device to fail. */
  'device-override',
] as const;

/** The app's security policy. */
export const POLICY_REASONS = [
  'apple-app-attest-missing',
  'android-key-attestation-missing',
  'play-integrity-missing',
  'sdk-version-refused',
  'rooted-or-jailbroken',
  'emulator',
  'debugger',
  'hooking-framework',
  'proxy',
  'user-installed-ca',
] as const;

export const ATTESTATION_REASONS = [...EVIDENCE_REASONS, ...REGISTRY_REASONS, ...POLICY_REASONS] as const;
export type EvidenceReason = (typeof EVIDENCE_REASONS)[number];
export type RegistryReason = (typeof REGISTRY_REASONS)[number];
export type PolicyReason = (typeof POLICY_REASONS)[number];
export type AttestationReason = (typeof ATTESTATION_REASONS)[number];

/** The device signals as the SDK reports them; each has a policy rule of the same name and a reason code. */
export const DEVICE_SIGNALS = [
  'rootedOrJailbroken',
  'emulator',
  'debugger',
  'hookingFramework',
  'proxy',
  'userInstalledCa',
] as const;
export type DeviceSignal = (typeof DEVICE_SIGNALS)[number];

/** The reason code a device signal fails (or, under `monitor`, is recorded) with. */
export const SIGNAL_REASONS: Readonly<Record<DeviceSignal, PolicyReason>> = Object.freeze({
  rootedOrJailbroken: 'rooted-or-jailbroken',
  emulator: 'emulator',
  debugger: 'debugger',
  hookingFramework: 'hooking-framework',
  proxy: 'proxy',
  userInstalledCa: 'user-installed-ca',
});
