import { PolicyRulesSchema } from '../events/policy.events';
import { DEVICE_SIGNALS, SIGNAL_REASONS } from './attestation-reasons';
import {
  AttestRequestSchema,
  DeviceSignalsSchema,
  MAX_SDK_EVIDENCE_LENGTH,
  NO_DEVICE_SIGNALS,
  SdkEvidencePayloadSchema,
} from './sdk-exchange';

const payload = {
  tenant: 'acme',
  appId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  nonce: 'q'.repeat(43),
  iat: 1_796_000_000,
  app: {
    platform: 'android',
    packageName: 'com.example.bank',
    signingCertificateSha256: ['a'.repeat(64)],
    versionCode: 42,
  },
  device: {
    signals: { ...NO_DEVICE_SIGNALS },
    sdkVersion: '1.0.0',
  },
};

describe('the SDK evidence payload', () => {
  it('takes an Android and an iOS measurement', () => {
    expect(SdkEvidencePayloadSchema.safeParse(payload).success).toBe(true);
    const ios = {
      ...payload,
      app: { platform: 'ios', appleTeamId: 'ABCDE12345', bundleId: 'com.example.bank', version: '2.1' },
    };
    expect(SdkEvidencePayloadSchema.safeParse(ios).success).toBe(true);
  });

  it.each([
    ['a short nonce', { ...payload, nonce: 'abc' }],
    ['an unknown member', { ...payload, extra: 1 }],
    ['a signal missing', { ...payload, device: { ...payload.device, signals: { emulator: false } } }],
    ['a non-semver SDK version', { ...payload, device: { ...payload.device, sdkVersion: 'latest' } }],
    ['a measurement of no platform', { ...payload, app: { packageName: 'com.example.bank' } }],
    [
      'upper-case certificate digests',
      { ...payload, app: { ...payload.app, signingCertificateSha256: ['A'.repeat(64)] } },
    ],
  ])('refuses %s', (_what, value) => {
    expect(SdkEvidencePayloadSchema.safeParse(value).success).toBe(false);
  });

  it('reports exactly the signals a policy rules on, each with its reason code', () => {
    expect(Object.keys(DeviceSignalsSchema.shape).sort()).toEqual([...DEVICE_SIGNALS].sort());
    expect(Object.keys(PolicyRulesSchema.shape.signals.shape).sort()).toEqual([...DEVICE_SIGNALS].sort());
    expect(Object.keys(SIGNAL_REASONS).sort()).toEqual([...DEVICE_SIGNALS].sort());
  });

  it('bounds the evidence a request carries', () => {
    expect(AttestRequestSchema.safeParse({ evidence: 'x'.repeat(MAX_SDK_EVIDENCE_LENGTH) }).success).toBe(true);
    expect(AttestRequestSchema.safeParse({ evidence: 'x'.repeat(MAX_SDK_EVIDENCE_LENGTH + 1) }).success).toBe(false);
  });
});
