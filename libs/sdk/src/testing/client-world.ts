import type { AppMeasurement } from '@tessera/contracts';
import { MemoryInstallationKeyStore } from '../memory-key-store';
import { SimulatedDevice } from '../simulated-device';
import { TesseraClient, type TesseraClientOptions } from '../tessera-client';
import { FakeIntegrityService } from './fake-integrity-service';

export const APP_ID = '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

export const GENUINE_ANDROID: AppMeasurement = {
  platform: 'android',
  packageName: 'com.example.bank',
  signingCertificateSha256: ['a'.repeat(64)],
  versionCode: 42,
};

export const GENUINE_IOS: AppMeasurement = {
  platform: 'ios',
  appleTeamId: 'ABCDE12345',
  bundleId: 'com.example.bank',
  version: '2.1',
};

/** A client, the fake service it talks to and a clock the test moves; backoff without jitter. */
export function clientWorld(overrides: Partial<TesseraClientOptions> = {}) {
  let time = 1_796_000_000_000;
  const clock = {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
  const service = new FakeIntegrityService(clock.now);
  const keyStore = new MemoryInstallationKeyStore();
  const options: TesseraClientOptions = {
    baseUrl: service.baseUrl,
    tenant: 'acme',
    appId: APP_ID,
    measurement: GENUINE_ANDROID,
    deviceSignals: SimulatedDevice.profile('genuine', GENUINE_ANDROID).deviceSignals,
    keyStore,
    fetch: service.fetch,
    now: clock.now,
    retry: { random: () => 0 },
    ...overrides,
  };
  return { clock, service, keyStore, options, client: new TesseraClient(options) };
}
