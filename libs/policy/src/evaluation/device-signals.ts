import {
  DEVICE_SIGNALS,
  type DeviceSignals,
  type PolicyReason,
  type PolicyRules,
  SIGNAL_REASONS,
} from '@tessera/contracts';

/** What the present signals cost under the rules: `reject` ones fail the attestation, `monitor` ones are recorded. */
export interface SignalFindings {
  rejected: PolicyReason[];
  monitored: PolicyReason[];
}

/** Each signal the device reports present (true), by its rule, in signal order; an absent signal costs nothing. */
export function signalFindings(rules: PolicyRules['signals'], signals: DeviceSignals): SignalFindings {
  const findings: SignalFindings = { rejected: [], monitored: [] };
  for (const signal of DEVICE_SIGNALS) {
    if (!signals[signal]) continue;
    const rule = rules[signal];
    switch (rule) {
      case 'reject':
        findings.rejected.push(SIGNAL_REASONS[signal]);
        break;
      case 'monitor':
        findings.monitored.push(SIGNAL_REASONS[signal]);
        break;
      case 'allow':
        break;
    }
  }
  return findings;
}
