import type { PolicyRules } from '@tessera/contracts';

/**
 * The built-in rules. Apps without a policy of their own are attested under DEFAULT_POLICY_RULES; a tenant's
 * policies start from one of the presets (see docs/policies.md for the reasoning in full).
 */

/**
 * For any app whose owners have not decided otherwise: accepts every genuine install on an ordinary phone,
 * refuses the tools of tampering, and uses the platform attestations whenever a device can give them.
 */
export const DEFAULT_POLICY_RULES: PolicyRules = deepFreeze({
  evidence: {
    // The SDK's signed evidence is the base of everything else: the installation key, the nonce, the app
    // measurement and every device signal below travel in it.
    sdk: 'required',
    // Platform attestations are checked whenever they are sent (a bad one fails), but not demanded: App Attest is
    // missing on simulators and some devices and Apple's service can be unavailable; Key Attestation is absent
    // or broken on some Android devices.
    appleAppAttest: 'optional',
    androidKeyAttestation: 'optional',
    // Play Integrity needs Google Play services (absent on many devices sold in China, on Huawei and AOSP builds),
    // has daily quotas, and needs the app's decryption keys in Tessera first.
    playIntegrity: 'optional',
  },
  signals: {
    // The tools of tampering: a genuine user of a production app rarely has them, and testers get device
    // overrides instead of a weaker policy.
    rootedOrJailbroken: 'reject',
    emulator: 'reject',
    debugger: 'reject',
    hookingFramework: 'reject',
    // Corporate devices often route through a proxy and trust a company CA (MDM); rejecting them would lock out
    // employees. Pinning still protects the app's own API traffic, and monitoring counts them.
    proxy: 'monitor',
    userInstalledCa: 'monitor',
  },
  // Key Attestation is optional here, so its level only matters when it is sent; devices without a TEE-backed
  // keystore are still genuine.
  minimumSecurityLevel: 'software',
  // No SDK version is known bad yet; narrow this when one is.
  sdkVersions: '*',
  // Short enough that a leaked token is worth little (and revocation covers the rest), long enough that an app
  // attests a dozen times an hour rather than on every call.
  tokenLifetimeSeconds: 300,
  // Telling the client why it failed teaches an attacker which check to defeat; the reasons are recorded and
  // counted on the server instead.
  revealRejectionReasons: false,
});

/**
 * For high-value apps (payments, banking, internal tools on managed fleets): every piece of evidence that applies
 * to the platform is required, every signal fails the attestation, and tokens are shorter-lived. Expect to lose
 * devices without Google Play services, simulators, and devices behind corporate proxies; grant exceptions with
 * device overrides.
 */
export const STRICT_POLICY_RULES: PolicyRules = deepFreeze({
  // Required where it applies: App Attest for iOS apps, Key Attestation and Play Integrity for Android apps.
  evidence: {
    sdk: 'required',
    appleAppAttest: 'required',
    androidKeyAttestation: 'required',
    playIntegrity: 'required',
  },
  signals: {
    rootedOrJailbroken: 'reject',
    emulator: 'reject',
    debugger: 'reject',
    hookingFramework: 'reject',
    proxy: 'reject',
    userInstalledCa: 'reject',
  },
  // Keys in a TEE (or StrongBox) cannot be read out of a rooted OS. StrongBox would exclude most devices.
  minimumSecurityLevel: 'trusted-environment',
  sdkVersions: '*',
  tokenLifetimeSeconds: 120,
  revealRejectionReasons: false,
});

export const PRESET_NAMES = ['default', 'strict'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** The presets by name, as `POST /v1/policies {preset}` names them. */
export const PRESETS: Readonly<Record<PresetName, PolicyRules>> = Object.freeze({
  default: DEFAULT_POLICY_RULES,
  strict: STRICT_POLICY_RULES,
});

/** One line on each preset, for the API and the CLI. */
export const PRESET_DESCRIPTIONS: Readonly<Record<PresetName, string>> = Object.freeze({
  default:
    'the built-in policy of apps without one: SDK evidence required, platform attestations checked when sent, ' +
    'tampering tools rejected, proxies and user-installed CAs monitored, 5-minute tokens',
  strict:
    'every applicable evidence required, every device signal rejected, keys at least in a trusted environment, ' +
    '2-minute tokens',
});

/** Presets are shared constants: freezing them turns an accidental change into an error, not a new default. */
function deepFreeze<T extends object>(value: T): T {
  for (const field of Object.values(value)) {
    if (typeof field === 'object' && field !== null) deepFreeze(field as object);
  }
  return Object.freeze(value);
}
