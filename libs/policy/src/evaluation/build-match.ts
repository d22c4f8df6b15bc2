import type { AppIdentifiers, AppMeasurement, Build } from '@tessera/contracts';

/** Whether the app measured itself as the app the evidence is for: its platform, its package (or team and bundle). */
export function measurementIsOfApp(measurement: AppMeasurement, identifiers: AppIdentifiers): boolean {
  switch (measurement.platform) {
    case 'android':
      return identifiers.platform === 'android' && identifiers.packageName === measurement.packageName;
    case 'ios':
      return (
        identifiers.platform === 'ios' &&
        identifiers.appleTeamId === measurement.appleTeamId &&
        identifiers.bundleId === measurement.bundleId
      );
  }
}

/**
 * Whether a registered build is the measured one. Android: the same package, exactly the same set of signing
 * certificates (in any order; a subset or a superset is another signer) and a versionCode within the registered
 * range (max null: every later version). The rotation lineage is not matched: the APK's current signers are what
 * PackageManager reports. iOS: the same team and bundle, and the same version when the registration names one.
 */
export function buildMatches(build: Build, measurement: AppMeasurement): boolean {
  switch (measurement.platform) {
    case 'android':
      return (
        build.platform === 'android' &&
        build.packageName === measurement.packageName &&
        sameSet(build.signingCertificateSha256, measurement.signingCertificateSha256) &&
        measurement.versionCode >= build.versionCodes.min &&
        (build.versionCodes.max === null || measurement.versionCode <= build.versionCodes.max)
      );
    case 'ios':
      return (
        build.platform === 'ios' &&
        build.appleTeamId === measurement.appleTeamId &&
        build.bundleId === measurement.bundleId &&
        (build.version === null || build.version === measurement.version)
      );
  }
}

/** Digests are lowercase hex by their schema, so equal strings are equal certificates. */
function sameSet(registered: readonly string[], measured: readonly string[]): boolean {
  const expected = new Set(registered);
  const actual = new Set(measured);
  return expected.size === actual.size && [...actual].every((digest) => expected.has(digest));
}
