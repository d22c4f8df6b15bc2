/** The SDK's own version (semver): what the evidence reports as `device.sdkVersion` unless the app says otherwise. */
export const SDK_VERSION = '0.1.0';
