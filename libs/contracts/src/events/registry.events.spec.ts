import { EventCatalog } from '../event-catalog';
import type { EventDefinition } from '../event-definition';
import { type TopicDefinition, Topics } from '../topics';
import { AppUpsertedV1 } from './app.events';
import { ALL_EVENTS } from './index';
import { DeviceOverrideUpsertedV1, PolicyUpsertedV1, type PolicyRules } from './policy.events';
import { RegistrationUpsertedV1 } from './registration.events';
import { SecureStringUpsertedV1 } from './secure-string.events';

const catalog = new EventCatalog();
const appId = '0b7d2c1e-9a4f-4c3b-8e2d-1f0a9b8c7d6e';
const teamId = '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const digest = 'a'.repeat(64);

const app = {
  appId,
  teamId,
  name: 'Wallet',
  identifiers: { platform: 'android', packageName: 'com.example.wallet' },
  policyId: null,
};
const androidRegistration = {
  registrationId: '5d6e7f80-1a2b-4c3d-9e8f-a0b1c2d3e4f5',
  appId,
  teamId,
  build: {
    platform: 'android',
    packageName: 'com.example.wallet',
    versionCodes: { min: 40, max: null },
    signingCertificateSha256: [digest],
    lineageCertificateSha256: [],
    versionName: '4.0',
  },
  source: 'apk',
  createdAt: '2026-11-22T05:00:00.000Z',
  expiresAt: '2026-11-22T05:10:00.000Z',
};
const rules: PolicyRules = {
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
};
const policy = { policyId: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b', name: 'strict-ish', rules };
const override = {
  overrideId: '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
  deviceId: 'tester-pixel-7',
  appId: null,
  verdict: 'pass',
  reason: 'QA device',
  createdAt: '2026-11-22T05:00:00Z',
  expiresAt: null,
};
const secureString = {
  secureStringId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  appId,
  name: 'MAPS_API_KEY',
  version: 1,
  sealed: {
    alg: 'A256GCM',
    kekId: 'kek-2026-11',
    iv: 'AAAAAAAAAAAAAAAA',
    ciphertext: 'c2VjcmV0',
    tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
  },
};

describe.each([
  ['app.upserted', AppUpsertedV1, Topics.registry, app, `acme/app/${appId}`],
  [
    'registration.upserted',
    RegistrationUpsertedV1,
    Topics.registry,
    androidRegistration,
    `acme/registration/${androidRegistration.registrationId}`,
  ],
  [
    'secure-string.upserted',
    SecureStringUpsertedV1,
    Topics.registry,
    secureString,
    `acme/secure-string/${secureString.secureStringId}`,
  ],
  ['policy.upserted', PolicyUpsertedV1, Topics.policies, policy, `acme/policy/${policy.policyId}`],
  [
    'device-override.upserted',
    DeviceOverrideUpsertedV1,
    Topics.policies,
    override,
    `acme/device-override/${override.overrideId}`,
  ],
] as [string, EventDefinition, TopicDefinition, unknown, string][])('%s v1', (type, definition, topic, data, key) => {
  it('is listed, goes to its compacted topic, is keyed by entity and round-trips through the catalog', () => {
    expect(ALL_EVENTS).toContain(definition);
    expect(definition.topic).toBe(topic);
    expect(topic.cleanupPolicy).toBe('compact');
    const envelope = catalog.build(definition, { tenant: 'acme', producer: 'registration', data });
    expect(envelope).toMatchObject({ type, version: 1, key });
    const parsed = catalog.parse(JSON.stringify(envelope));
    expect(parsed.ok && parsed.envelope.data).toEqual(data);
  });
});

describe('registry and policy event schemas refuse what consumers must not accept', () => {
  it.each([
    [
      'an app with iOS identifiers missing the bundle id',
      AppUpsertedV1,
      { ...app, identifiers: { platform: 'ios', appleTeamId: 'ABCDE12345' } },
    ],
    [
      'an app with a malformed package name',
      AppUpsertedV1,
      { ...app, identifiers: { platform: 'android', packageName: 'wallet' } },
    ],
    [
      'a registration without signing certificates',
      RegistrationUpsertedV1,
      { ...androidRegistration, build: { ...androidRegistration.build, signingCertificateSha256: [] } },
    ],
    [
      'a registration with an upper-case digest',
      RegistrationUpsertedV1,
      { ...androidRegistration, build: { ...androidRegistration.build, signingCertificateSha256: ['A'.repeat(64)] } },
    ],
    [
      'a registration with a negative versionCode',
      RegistrationUpsertedV1,
      { ...androidRegistration, build: { ...androidRegistration.build, versionCodes: { min: -1, max: null } } },
    ],
    ['a registration from an unknown source', RegistrationUpsertedV1, { ...androidRegistration, source: 'guess' }],
    [
      'a secure string carrying plaintext',
      SecureStringUpsertedV1,
      { ...secureString, value: 'secret', sealed: undefined },
    ],
    [
      'a secure string sealed with another algorithm',
      SecureStringUpsertedV1,
      { ...secureString, sealed: { ...secureString.sealed, alg: 'A128CBC' } },
    ],
    [
      'a policy with an unknown signal action',
      PolicyUpsertedV1,
      { ...policy, rules: { ...rules, signals: { ...rules.signals, proxy: 'maybe' } } },
    ],
    ['a policy with an unknown rule', PolicyUpsertedV1, { ...policy, rules: { ...rules, allowEverything: true } }],
    [
      'a policy with a token lifetime under 30 s',
      PolicyUpsertedV1,
      { ...policy, rules: { ...rules, tokenLifetimeSeconds: 5 } },
    ],
    ['an override with an unknown verdict', DeviceOverrideUpsertedV1, { ...override, verdict: 'maybe' }],
  ])('refuses %s', (_what, definition, data) => {
    expect(definition.schema.safeParse(data).success).toBe(false);
  });
});
