import { AppMeasurementSchema, DEVICE_SIGNALS, type DeviceSignal } from '@tessera/contracts';
import { SIMULATED_DEVICE_PROFILES, type SimulatedDeviceProfile, SimulatedDevice } from './simulated-device';
import { clientWorld, GENUINE_ANDROID, GENUINE_IOS } from './testing/client-world';

const RAISED: Record<SimulatedDeviceProfile, DeviceSignal[]> = {
  genuine: [],
  repackaged: [],
  rooted: ['rootedOrJailbroken'],
  hooked: ['hookingFramework'],
  emulator: ['emulator'],
  proxy: ['proxy', 'userInstalledCa'],
};

describe('SimulatedDevice', () => {
  it.each(
    SIMULATED_DEVICE_PROFILES.flatMap((profile) => [
      [profile, GENUINE_ANDROID] as const,
      [profile, GENUINE_IOS] as const,
    ]),
  )(
    '%s on %j: the signals and measurement such a device reports, as the service receives them',
    async (profile, genuine) => {
      const device = SimulatedDevice.profile(profile, genuine);
      const raised = DEVICE_SIGNALS.filter((signal) => device.report.signals[signal]);
      expect(raised).toEqual(RAISED[profile]);
      expect(AppMeasurementSchema.safeParse(device.measurement).success).toBe(true);
      if (profile === 'repackaged') expect(device.measurement).not.toEqual(genuine);
      else expect(device.measurement).toEqual(genuine);

      const { client, service } = clientWorld({ measurement: device.measurement, deviceSignals: device.deviceSignals });
      await client.token();
      expect(service.lastPayload).toMatchObject({
        app: device.measurement,
        device: { signals: device.report.signals, os: { name: genuine.platform } },
      });
    },
  );

  it('repackages with another signing certificate (Android) or Apple team (iOS), and only that', () => {
    const android = SimulatedDevice.profile('repackaged', GENUINE_ANDROID).measurement;
    expect(android).toEqual({
      ...GENUINE_ANDROID,
      signingCertificateSha256: [expect.not.stringMatching(/^a{64}$/) as unknown],
    });
    const ios = SimulatedDevice.profile('repackaged', GENUINE_IOS).measurement;
    expect(ios).toEqual({ ...GENUINE_IOS, appleTeamId: expect.not.stringMatching(/^ABCDE12345$/) as unknown });
    // Whatever the genuine build's own certificate or team, the repackaged one differs.
    for (const measurement of [android, ios]) {
      expect(SimulatedDevice.profile('repackaged', measurement).measurement).not.toEqual(measurement);
    }
  });

  it('gives each caller its own copy of the report', async () => {
    const device = SimulatedDevice.profile('rooted', GENUINE_ANDROID);
    const report = await device.deviceSignals();
    report.signals.rootedOrJailbroken = false;
    await expect(device.deviceSignals()).resolves.toMatchObject({ signals: { rootedOrJailbroken: true } });
  });
});
