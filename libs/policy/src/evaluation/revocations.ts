import type { RegistryReason } from '@tessera/contracts';
import type { AttestationFacts } from './attestation-facts';

/** The device and the installation key, against the revocations in force (a revoked registration is matching's). */
export function revocationReasons(facts: Pick<AttestationFacts, 'evidence' | 'isRevoked'>): RegistryReason[] {
  const reasons: RegistryReason[] = [];
  if (facts.isRevoked('device', facts.evidence.deviceId)) reasons.push('device-revoked');
  if (facts.isRevoked('installation', facts.evidence.installationId)) reasons.push('installation-revoked');
  return reasons;
}
