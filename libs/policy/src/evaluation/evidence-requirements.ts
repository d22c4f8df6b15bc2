import type { Platform, PolicyReason, PolicyRules } from '@tessera/contracts';
import { EVIDENCE_KINDS, type EvidenceKind, evidenceAppliesTo } from '../kinds';

/** The reason each kind of platform evidence is missing with. */
const MISSING: Readonly<Record<Exclude<EvidenceKind, 'sdk'>, PolicyReason>> = {
  appleAppAttest: 'apple-app-attest-missing',
  androidKeyAttestation: 'android-key-attestation-missing',
  playIntegrity: 'play-integrity-missing',
};

/**
 * The evidence the rules require on the app's platform that was not supplied, in rule order. A rule on the other
 * platform's evidence does not apply. The SDK evidence is not checked: the facts come from it, so it is there.
 */
export function missingEvidence(
  rules: PolicyRules['evidence'],
  platform: Platform,
  supplied: readonly EvidenceKind[],
): PolicyReason[] {
  const reasons: PolicyReason[] = [];
  for (const kind of EVIDENCE_KINDS) {
    if (kind === 'sdk') continue;
    if (evidenceAppliesTo(kind, platform) && rules[kind] === 'required' && !supplied.includes(kind)) {
      reasons.push(MISSING[kind]);
    }
  }
  return reasons;
}
