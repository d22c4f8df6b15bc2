import { DEVICE_SIGNALS, type Platform, type PolicyRules } from '@tessera/contracts';

/** The kinds of evidence a policy rules on, in the order the rules list them. */
export type EvidenceKind = keyof PolicyRules['evidence'];
/** The device signals a policy rules on. */
export type SignalKind = keyof PolicyRules['signals'];

export const EVIDENCE_KINDS: readonly EvidenceKind[] = [
  'sdk',
  'appleAppAttest',
  'androidKeyAttestation',
  'playIntegrity',
];

/** The device signals, as the contracts list them (the SDK reports exactly these). */
export const SIGNAL_KINDS: readonly SignalKind[] = DEVICE_SIGNALS;

/**
 * The evidence that exists on each platform. One policy can be assigned to apps of both platforms, so a rule on
 * evidence of the other platform is simply not applicable there (App Attest never counts for an Android app).
 */
export const APPLICABLE_EVIDENCE: Readonly<Record<Platform, readonly EvidenceKind[]>> = {
  android: ['sdk', 'androidKeyAttestation', 'playIntegrity'],
  ios: ['sdk', 'appleAppAttest'],
};

export function evidenceAppliesTo(kind: EvidenceKind, platform: Platform): boolean {
  return APPLICABLE_EVIDENCE[platform].includes(kind);
}
