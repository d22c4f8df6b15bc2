import { ATTESTATION_REASONS, type AttestationReason } from '@tessera/contracts';
import type { AttestationFacts, AttestationVerdict } from './attestation-facts';
import { measurementIsOfApp } from './build-match';
import { overrideVerdict } from './device-overrides';
import { signalFindings } from './device-signals';
import { missingEvidence } from './evidence-requirements';
import { matchRegistration } from './registration-match';
import { revocationReasons } from './revocations';
import { sdkVersionAccepted } from './sdk-version-check';

/**
 * The verdict on an attestation whose evidence the caller has verified (signature, nonce), from the facts it
 * gathered. Every check runs and every reason that applies is given, in the order of ATTESTATION_REASONS, which is
 * the order of the checks: tenant, identity, revocations, overrides, evidence, SDK version, signals (docs/policies.md,
 * "How an attestation is evaluated").
 *
 * A device override that says pass waives the policy's rules (evidence, SDK version, signals), never the checks of
 * who is calling: the tenant, the build's registration (a pass token names one) and the revocations.
 */
export function evaluateAttestation(facts: AttestationFacts): AttestationVerdict {
  const { payload } = facts.evidence;
  const reasons: AttestationReason[] = [];
  const monitored: AttestationReason[] = [];

  if (facts.tenantStatus === 'suspended') reasons.push('tenant-suspended');
  if (!measurementIsOfApp(payload.app, facts.app.identifiers)) reasons.push('app-mismatch');
  const registration = matchRegistration(facts, payload.app);
  if (!registration.usable) reasons.push(registration.reason);
  reasons.push(...revocationReasons(facts));

  const override = overrideVerdict(facts.overrides, facts.app.appId, facts.now);
  if (override === 'fail') reasons.push('device-override');
  if (override !== 'pass') {
    const { rules } = facts;
    reasons.push(...missingEvidence(rules.evidence, facts.app.identifiers.platform, facts.evidence.supplied));
    // The SDK version and the signals travel in the SDK evidence: a policy that ignores it sees neither.
    if (rules.evidence.sdk !== 'ignored') {
      if (!sdkVersionAccepted(payload.device.sdkVersion, rules.sdkVersions)) reasons.push('sdk-version-refused');
      const signals = signalFindings(rules.signals, payload.device.signals);
      reasons.push(...signals.rejected);
      monitored.push(...signals.monitored);
    }
    // minimumSecurityLevel rules on a Key Attestation's security level: nothing to check until that evidence is
    // verified (today only the SDK evidence is).
  }

  if (reasons.length === 0 && registration.usable) {
    return {
      verdict: 'pass',
      registrationId: registration.registrationId,
      reasons: [],
      monitored: inReasonOrder(monitored),
      overridden: override === 'pass',
    };
  }
  return {
    verdict: 'fail',
    registrationId: registration.registrationId,
    reasons: inReasonOrder(reasons),
    monitored: inReasonOrder(monitored),
  };
}

/** Each reason once, in the order of ATTESTATION_REASONS: the same facts always read the same. */
function inReasonOrder(reasons: readonly AttestationReason[]): AttestationReason[] {
  return ATTESTATION_REASONS.filter((reason) => reasons.includes(reason));
}
