import { type AppMeasurement, type DeviceSignals, NO_DEVICE_SIGNALS } from '@tessera/contracts';
import type { DeviceOs, DeviceReport, DeviceSignalProvider } from './device-signals';

/** The devices the simulator plays, each one thing wrong with it (bar `genuine`). */
export const SIMULATED_DEVICE_PROFILES = ['genuine', 'repackaged', 'rooted', 'hooked', 'emulator', 'proxy'] as const;
export type SimulatedDeviceProfile = (typeof SIMULATED_DEVICE_PROFILES)[number];

/** The signing certificate (SHA-256) and Apple team of a repackager: anyone but the app's owner. */
const REPACKAGER_CERTIFICATE = '7a3c1f5e9b2d4a6c8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d';
const OTHER_REPACKAGER_CERTIFICATE = '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c';
const REPACKAGER_TEAM = 'ZZ9PLURALZ';
const OTHER_REPACKAGER_TEAM = 'QQ0REPACK0';

const CLEAN: DeviceSignals = NO_DEVICE_SIGNALS;

const SIGNALS: Record<SimulatedDeviceProfile, Partial<DeviceSignals>> = {
  genuine: {},
  // Re-signed by someone else: the device itself is clean, the measurement is what differs.
  repackaged: {},
  rooted: { rootedOrJailbroken: true },
  hooked: { hookingFramework: true },
  emulator: { emulator: true },
  // An intercepting proxy, its CA installed by the user so the TLS goes through.
  proxy: { proxy: true, userInstalledCa: true },
};

/**
 * A device for tests and demos: given the genuine build's measurement, what a device of the profile would report.
 * `repackaged` measures another signing certificate (Android) or Apple team (iOS) than the genuine one; the others
 * measure the genuine build and raise their signal(s). Nothing here inspects a real device.
 */
export class SimulatedDevice {
  readonly report: DeviceReport;
  /** The device as a DeviceSignalProvider for TesseraClient. */
  readonly deviceSignals: DeviceSignalProvider;

  private constructor(
    readonly profileName: SimulatedDeviceProfile,
    readonly measurement: AppMeasurement,
  ) {
    const os: DeviceOs =
      measurement.platform === 'android' ? { name: 'android', version: '14' } : { name: 'ios', version: '17.5' };
    this.report = { signals: { ...CLEAN, ...SIGNALS[profileName] }, os };
    this.deviceSignals = () => Promise.resolve({ signals: { ...this.report.signals }, os: { ...os } });
  }

  static profile(profile: SimulatedDeviceProfile, genuine: AppMeasurement): SimulatedDevice {
    return new SimulatedDevice(profile, profile === 'repackaged' ? repackaged(genuine) : { ...genuine });
  }
}

function repackaged(genuine: AppMeasurement): AppMeasurement {
  switch (genuine.platform) {
    case 'android': {
      const taken = genuine.signingCertificateSha256.includes(REPACKAGER_CERTIFICATE);
      return { ...genuine, signingCertificateSha256: [taken ? OTHER_REPACKAGER_CERTIFICATE : REPACKAGER_CERTIFICATE] };
    }
    case 'ios':
      return {
        ...genuine,
        appleTeamId: genuine.appleTeamId === REPACKAGER_TEAM ? OTHER_REPACKAGER_TEAM : REPACKAGER_TEAM,
      };
  }
}
