import { EventCatalog } from '../event-catalog';
import { Topics } from '../topics';
import { ALL_EVENTS } from './index';
import { DeviceOverrideUpsertedV1, PolicyUpsertedV1 } from './policy.events';

const catalog = new EventCatalog();
const rules = {
  evidence: {
    sdk: 'required',
    appleAppAttest: 'optional',
    androidKeyAttestation: 'optional',
    playIntegrity: 'ignored',
  },
  signals: {
    rootedOrJailbroken: 'reject',
    emulator: 'reject',
    debugger: 'reject',
    hookingFramework: 'reject',
    proxy: 'monitor',
    userInstalledCa: 'allow',
  },
  minimumSecurityLevel: 'software',
  sdkVersions: '*',
  tokenLifetimeSeconds: 300,
  revealRejectionReasons: false,
} as const;
const policy = { policyId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b', name: 'Payments', rules };
const override = {
  overrideId: '0f5b7a52-93c1-4b7e-9a57-8d2f4a0e6c11',
  deviceId: 'tester-pixel-7',
  appId: null,
  verdict: 'pass',
  reason: 'QA device',
  createdAt: '2026-11-22T04:08:59.105Z',
  expiresAt: null,
} as const;

describe('policy.upserted v1', () => {
  it('is listed, goes to the compacted policies topic and is keyed <tenant>/policy/<id>', () => {
    expect(ALL_EVENTS).toContain(PolicyUpsertedV1);
    expect(PolicyUpsertedV1.topic).toBe(Topics.policies);
    const envelope = catalog.build(PolicyUpsertedV1, { tenant: 'acme', producer: 'registration', data: policy });
    expect(envelope).toMatchObject({ type: 'policy.upserted', key: `acme/policy/${policy.policyId}`, data: policy });
  });

  it.each([
    [
      'an unknown evidence requirement',
      { ...policy, rules: { ...rules, evidence: { ...rules.evidence, sdk: 'maybe' } } },
    ],
    ['an unknown rule', { ...policy, rules: { ...rules, signals: { ...rules.signals, vpn: 'reject' } } }],
    ['a missing rule', { ...policy, rules: { ...rules, sdkVersions: undefined } }],
    ['an unknown signal action', { ...policy, rules: { ...rules, signals: { ...rules.signals, proxy: 'maybe' } } }],
    ['an unknown top-level rule', { ...policy, rules: { ...rules, allowEverything: true } }],
    ['a token lifetime under 30 s', { ...policy, rules: { ...rules, tokenLifetimeSeconds: 29 } }],
    ['an unknown security level', { ...policy, rules: { ...rules, minimumSecurityLevel: 'hardware' } }],
  ])('refuses %s', (_what, data) => {
    expect(PolicyUpsertedV1.schema.safeParse(data).success).toBe(false);
  });
});

describe('device-override.upserted v1', () => {
  it('is listed, goes to the compacted policies topic and is keyed <tenant>/device-override/<id>', () => {
    expect(ALL_EVENTS).toContain(DeviceOverrideUpsertedV1);
    expect(DeviceOverrideUpsertedV1.topic).toBe(Topics.policies);
    const envelope = catalog.build(DeviceOverrideUpsertedV1, {
      tenant: 'acme',
      producer: 'registration',
      data: override,
    });
    expect(envelope).toMatchObject({
      type: 'device-override.upserted',
      key: `acme/device-override/${override.overrideId}`,
      data: override,
    });
  });

  it.each([
    ['an unknown verdict', { ...override, verdict: 'allow' }],
    ['an empty device id', { ...override, deviceId: '' }],
    ['a device id over 256 characters', { ...override, deviceId: 'x'.repeat(257) }],
    ['an app id that is not a UUID', { ...override, appId: 'com.example.app' }],
    ['a time without an offset', { ...override, expiresAt: '2026-11-22T04:08:59' }],
  ])('refuses %s', (_what, data) => {
    expect(DeviceOverrideUpsertedV1.schema.safeParse(data).success).toBe(false);
  });
});
