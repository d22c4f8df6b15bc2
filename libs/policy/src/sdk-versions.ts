import semver from 'semver';

/** What `sdkVersions` must look like, for messages. */
export const SDK_VERSION_RANGE_HINT = 'expected a semver range of SDK versions such as ">=1.4.0 <3", "^2.1" or "*"';

/**
 * Why `range` is not a usable semver range of SDK versions, or undefined when it is. semver reads a blank string
 * as "*"; a blank value here is a mistake, not a wish to accept everything, so it is refused.
 */
export function checkSdkVersionRange(range: string): string | undefined {
  if (range.trim() === '') return `must not be blank: ${SDK_VERSION_RANGE_HINT}`;
  if (semver.validRange(range) === null) return `not a semver range: ${SDK_VERSION_RANGE_HINT}`;
  return undefined;
}
