import type { DeviceOverrideRecord } from './attestation-facts';
import { inForceAt } from './in-force';

/**
 * What the device's overrides decide for this app at `now`: `fail` when any applicable one says fail, else `pass`
 * when one says pass, else nothing. Applicable: unexpired, and for this app or for every app of the tenant.
 * A fail wins over a pass whatever their scope: a fail blocks an abused device, a pass eases testing, and
 * unblocking a device by accident is the worse mistake.
 */
export function overrideVerdict(
  overrides: readonly DeviceOverrideRecord[],
  appId: string,
  now: number,
): 'pass' | 'fail' | undefined {
  const applicable = overrides.filter(
    (override) => (override.appId === null || override.appId === appId) && inForceAt(override.expiresAt, now),
  );
  if (applicable.some((override) => override.verdict === 'fail')) return 'fail';
  if (applicable.some((override) => override.verdict === 'pass')) return 'pass';
  return undefined;
}
