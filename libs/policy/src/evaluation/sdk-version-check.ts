import semver from 'semver';
import { checkSdkVersionRange } from '../sdk-versions';

/**
 * Whether the SDK `version` is one the policy's `range` accepts. Prereleases are versions like any other: `*`
 * accepts 2.0.0-beta.1 and `>=1.4.0 <3` does too, while 1.4.0-rc.1 (before 1.4.0) and 3.0.0-rc.1 (`<3` is below
 * 3.0.0-0) are refused; without this, `*` would refuse every beta SDK. A range that is not one (policies are
 * checked when written, so only a corrupt one) or a version that is not semver accepts nothing.
 */
export function sdkVersionAccepted(version: string, range: string): boolean {
  if (checkSdkVersionRange(range) !== undefined) return false;
  return semver.satisfies(version, range, { includePrerelease: true });
}
