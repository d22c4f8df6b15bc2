import {
  type AttestationReason,
  DEVICE_SIGNALS,
  type DeviceSignal,
  EVIDENCE_REASONS,
  POLICY_REASONS,
  REGISTRY_REASONS,
  SIGNAL_REASONS,
} from '@tessera/contracts';
import { mergeRules, type PolicyRulesPatch } from '../merge-rules';
import { DEFAULT_POLICY_RULES, STRICT_POLICY_RULES } from '../presets';
import type { AttestationVerdict } from './attestation-facts';
import { evaluateAttestation } from './evaluate-attestation';
import {
  BUNDLE,
  CERT_A,
  CERT_B,
  CERT_C,
  DEVICE_ID,
  INSTALLATION_ID,
  OTHER_APP_ID,
  PACKAGE,
  REGISTRATION_ID,
  type Scenario,
  androidBuild,
  androidMeasurement,
  at,
  attestationFacts,
  iosBuild,
  iosMeasurement,
  override,
  registration,
} from './testing/facts-fixtures';

/**
 * Every rule of evaluateAttestation, one table per rule, each row a case and the whole verdict it must give. The
 * last tests check that the tables produce every registry and policy reason code, so a new code cannot ship
 * without its case.
 */

type Row = [string, Scenario, AttestationVerdict];

const pass = (
  options: { registrationId?: string; monitored?: AttestationReason[]; overridden?: boolean } = {},
): AttestationVerdict => ({
  verdict: 'pass',
  registrationId: options.registrationId ?? REGISTRATION_ID,
  reasons: [],
  monitored: options.monitored ?? [],
  overridden: options.overridden ?? false,
});

const fail = (
  reasons: AttestationReason[],
  options: { registrationId?: string | null; monitored?: AttestationReason[] } = {},
): AttestationVerdict => ({
  verdict: 'fail',
  registrationId: options.registrationId === undefined ? REGISTRATION_ID : options.registrationId,
  reasons,
  monitored: options.monitored ?? [],
});

const rules = (patch: PolicyRulesPatch, base = DEFAULT_POLICY_RULES) => mergeRules(base, patch);
const signalRule = (signal: DeviceSignal, rule: 'reject' | 'monitor' | 'allow') =>
  rules({ signals: { [signal]: rule } });
const present = (signal: DeviceSignal) => ({ [signal]: true });
const ROOTED = { rootedOrJailbroken: true };
const EVERY_SIGNAL = Object.fromEntries(DEVICE_SIGNALS.map((signal) => [signal, true]));
const STRICT_EVIDENCE_WAIVED = rules(
  { evidence: { appleAppAttest: 'optional', androidKeyAttestation: 'optional', playIntegrity: 'optional' } },
  STRICT_POLICY_RULES,
);
const REQUIRE_EVERY_EVIDENCE = rules({
  evidence: { appleAppAttest: 'required', androidKeyAttestation: 'required', playIntegrity: 'required' },
});
const ios = (scenario: Scenario = {}): Scenario => ({ platform: 'ios', ...scenario });

const GENUINE: Row[] = [
  ['an Android build under the default rules', {}, pass()],
  ['an iOS build under the default rules', ios(), pass()],
  ['an Android build under strict rules, platform evidence optional', { rules: STRICT_EVIDENCE_WAIVED }, pass()],
  ['an iOS build under strict rules, platform evidence optional', ios({ rules: STRICT_EVIDENCE_WAIVED }), pass()],
  [
    'an Android build under strict rules with all its evidence',
    { rules: STRICT_POLICY_RULES, supplied: ['sdk', 'androidKeyAttestation', 'playIntegrity'] },
    pass(),
  ],
  [
    'an iOS build under strict rules with App Attest',
    ios({ rules: STRICT_POLICY_RULES, supplied: ['sdk', 'appleAppAttest'] }),
    pass(),
  ],
];

const SIGNALS: Row[] = [
  ...DEVICE_SIGNALS.flatMap((signal): Row[] => [
    [
      `${signal} present, rule reject`,
      { rules: signalRule(signal, 'reject'), signals: present(signal) },
      fail([SIGNAL_REASONS[signal]]),
    ],
    [
      `${signal} present, rule monitor`,
      { rules: signalRule(signal, 'monitor'), signals: present(signal) },
      pass({ monitored: [SIGNAL_REASONS[signal]] }),
    ],
    [`${signal} present, rule allow`, { rules: signalRule(signal, 'allow'), signals: present(signal) }, pass()],
  ]),
  [
    'every signal present under the default rules',
    { signals: EVERY_SIGNAL },
    fail(['rooted-or-jailbroken', 'emulator', 'debugger', 'hooking-framework'], {
      monitored: ['proxy', 'user-installed-ca'],
    }),
  ],
  [
    'a proxy and a user-installed CA under strict rules',
    { rules: STRICT_EVIDENCE_WAIVED, signals: { proxy: true, userInstalledCa: true } },
    fail(['proxy', 'user-installed-ca']),
  ],
  ['a jailbroken iPhone under the default rules', ios({ signals: ROOTED }), fail(['rooted-or-jailbroken'])],
];

const IDENTITY: Row[] = [
  [
    'the signing certificates in another order',
    { measurement: androidMeasurement({ signingCertificateSha256: [CERT_B, CERT_A] }) },
    pass(),
  ],
  [
    'a subset of the signing certificates',
    { measurement: androidMeasurement({ signingCertificateSha256: [CERT_A] }) },
    fail(['unregistered-build'], { registrationId: null }),
  ],
  [
    'a superset of the signing certificates',
    { measurement: androidMeasurement({ signingCertificateSha256: [CERT_A, CERT_B, CERT_C] }) },
    fail(['unregistered-build'], { registrationId: null }),
  ],
  [
    'other signing certificates, as many',
    { measurement: androidMeasurement({ signingCertificateSha256: [CERT_A, CERT_C] }) },
    fail(['unregistered-build'], { registrationId: null }),
  ],
  ['versionCode at the minimum (40)', { measurement: androidMeasurement({ versionCode: 40 }) }, pass()],
  ['versionCode at the maximum (49)', { measurement: androidMeasurement({ versionCode: 49 }) }, pass()],
  [
    'versionCode below the minimum',
    { measurement: androidMeasurement({ versionCode: 39 }) },
    fail(['unregistered-build'], { registrationId: null }),
  ],
  [
    'versionCode above the maximum',
    { measurement: androidMeasurement({ versionCode: 50 }) },
    fail(['unregistered-build'], { registrationId: null }),
  ],
  [
    'an open maximum takes every later versionCode',
    {
      registrations: [registration(androidBuild({ versionCodes: { min: 40, max: null } }))],
      measurement: androidMeasurement({ versionCode: 2 ** 40 }),
    },
    pass(),
  ],
  [
    'an open maximum still has its minimum',
    {
      registrations: [registration(androidBuild({ versionCodes: { min: 40, max: null } }))],
      measurement: androidMeasurement({ versionCode: 39 }),
    },
    fail(['unregistered-build'], { registrationId: null }),
  ],
  [
    'a measurement of another package',
    { measurement: androidMeasurement({ packageName: 'com.example.other' }) },
    fail(['app-mismatch', 'unregistered-build'], { registrationId: null }),
  ],
  [
    'an iOS measurement for an Android app',
    { measurement: iosMeasurement({ bundleId: PACKAGE }) },
    fail(['app-mismatch', 'unregistered-build'], { registrationId: null }),
  ],
  [
    'an Android measurement for an iOS app',
    ios({ measurement: androidMeasurement({ packageName: BUNDLE }) }),
    fail(['app-mismatch', 'unregistered-build'], { registrationId: null }),
  ],
  [
    'a registration of another package matches nothing',
    { registrations: [registration(androidBuild({ packageName: 'com.example.other' }))] },
    fail(['unregistered-build'], { registrationId: null }),
  ],
  ['an app without registrations', { registrations: [] }, fail(['unregistered-build'], { registrationId: null })],
  [
    'iOS: a registration without a version takes any version',
    ios({ measurement: iosMeasurement({ version: '9.9' }) }),
    pass(),
  ],
  [
    'iOS: a registration with the measured version',
    ios({ registrations: [registration(iosBuild({ version: '2.1' }))] }),
    pass(),
  ],
  [
    'iOS: a registration with another version',
    ios({ registrations: [registration(iosBuild({ version: '2.0' }))] }),
    fail(['unregistered-build'], { registrationId: null }),
  ],
  [
    'iOS: another team',
    ios({ measurement: iosMeasurement({ appleTeamId: 'ZZZZZ99999' }) }),
    fail(['app-mismatch', 'unregistered-build'], { registrationId: null }),
  ],
  [
    'iOS: another bundle of the team',
    ios({ measurement: iosMeasurement({ bundleId: 'com.example.other' }) }),
    fail(['app-mismatch', 'unregistered-build'], { registrationId: null }),
  ],
  [
    'iOS: a registration of another team matches nothing',
    ios({ registrations: [registration(iosBuild({ appleTeamId: 'ZZZZZ99999' }))] }),
    fail(['unregistered-build'], { registrationId: null }),
  ],
];

const EXPIRING = '33333333-3333-4333-8333-333333333333';
const REVOKED = '44444444-4444-4444-8444-444444444444';
const REGISTRATIONS: Row[] = [
  [
    'the only registration expired',
    { registrations: [registration(androidBuild(), { expiresAt: at(-1) })] },
    fail(['registration-expired']),
  ],
  [
    'the only registration expiring at this very moment',
    { registrations: [registration(androidBuild(), { expiresAt: at(0) })] },
    fail(['registration-expired']),
  ],
  [
    'the only registration expiring a millisecond later',
    { registrations: [registration(androidBuild(), { expiresAt: at(1) })] },
    pass(),
  ],
  [
    'an expired registration of another version does not count as expired',
    {
      registrations: [registration(androidBuild({ versionCodes: { min: 1, max: 9 } }), { expiresAt: at(-1) })],
    },
    fail(['unregistered-build'], { registrationId: null }),
  ],
  [
    'an expired registration and an unexpired one',
    {
      registrations: [
        registration(androidBuild(), { registrationId: EXPIRING, expiresAt: at(-1) }),
        registration(androidBuild()),
      ],
    },
    pass(),
  ],
  ['the only registration revoked', { revoked: [['registration', REGISTRATION_ID]] }, fail(['registration-revoked'])],
  [
    'a revoked registration and a usable one',
    {
      registrations: [registration(androidBuild(), { registrationId: REVOKED }), registration(androidBuild())],
      revoked: [['registration', REVOKED]],
    },
    pass(),
  ],
  [
    'a revoked registration and an expired one: revoked, naming the revoked one',
    {
      registrations: [
        registration(androidBuild(), { registrationId: EXPIRING, expiresAt: at(-1) }),
        registration(androidBuild(), { registrationId: REVOKED }),
      ],
      revoked: [['registration', REVOKED]],
    },
    fail(['registration-revoked'], { registrationId: REVOKED }),
  ],
  [
    'a revoked registration that expired since: expired',
    {
      registrations: [registration(androidBuild(), { expiresAt: at(-1) })],
      revoked: [['registration', REGISTRATION_ID]],
    },
    fail(['registration-expired']),
  ],
  [
    'a never-expiring registration is chosen over one expiring later than the other',
    {
      registrations: [
        registration(androidBuild(), { registrationId: EXPIRING, expiresAt: at(3_600_000), createdAt: at(-1) }),
        registration(androidBuild()),
      ],
    },
    pass(),
  ],
  [
    'the registration expiring last is chosen among expiring ones',
    {
      registrations: [
        registration(androidBuild(), { expiresAt: at(7_200_000) }),
        registration(androidBuild(), { registrationId: EXPIRING, expiresAt: at(3_600_000) }),
      ],
    },
    pass(),
  ],
];

const REVOCATIONS: Row[] = [
  ['a revoked device', { revoked: [['device', DEVICE_ID]] }, fail(['device-revoked'])],
  ['a revoked installation', { revoked: [['installation', INSTALLATION_ID]] }, fail(['installation-revoked'])],
  [
    'a revoked device and installation',
    {
      revoked: [
        ['installation', INSTALLATION_ID],
        ['device', DEVICE_ID],
      ],
    },
    fail(['device-revoked', 'installation-revoked']),
  ],
  [
    'revocations of other kinds with the same values',
    {
      revoked: [
        ['token', DEVICE_ID],
        ['registration', INSTALLATION_ID],
        ['installation', DEVICE_ID],
      ],
    },
    pass(),
  ],
];

const OVERRIDES: Row[] = [
  [
    "a pass for the app waives a rooted device's rejection",
    { signals: ROOTED, overrides: [override()] },
    pass({ overridden: true }),
  ],
  [
    'a tenant-wide pass waives it too',
    { signals: ROOTED, overrides: [override({ appId: null })] },
    pass({ overridden: true }),
  ],
  [
    'a pass for another app does not apply',
    { signals: ROOTED, overrides: [override({ appId: OTHER_APP_ID })] },
    fail(['rooted-or-jailbroken']),
  ],
  [
    'an expired pass does not apply',
    { signals: ROOTED, overrides: [override({ expiresAt: at(-1) })] },
    fail(['rooted-or-jailbroken']),
  ],
  [
    'a pass expiring at this very moment does not apply',
    { signals: ROOTED, overrides: [override({ expiresAt: at(0) })] },
    fail(['rooted-or-jailbroken']),
  ],
  [
    'a pass until later applies',
    { signals: ROOTED, overrides: [override({ expiresAt: at(1) })] },
    pass({ overridden: true }),
  ],
  ['a pass on a clean device says so', { overrides: [override()] }, pass({ overridden: true })],
  [
    'a pass waives missing evidence and a refused SDK version',
    { rules: rules({ sdkVersions: '>=2' }, STRICT_POLICY_RULES), overrides: [override()] },
    pass({ overridden: true }),
  ],
  [
    'under a pass, monitored signals are not looked at either',
    { signals: { proxy: true }, overrides: [override()] },
    pass({ overridden: true }),
  ],
  [
    'a pass does not waive a revoked device',
    { signals: ROOTED, overrides: [override()], revoked: [['device', DEVICE_ID]] },
    fail(['device-revoked']),
  ],
  [
    'a pass does not waive a revoked installation',
    { overrides: [override()], revoked: [['installation', INSTALLATION_ID]] },
    fail(['installation-revoked']),
  ],
  [
    'a pass does not waive an unregistered build',
    { signals: ROOTED, overrides: [override()], registrations: [] },
    fail(['unregistered-build'], { registrationId: null }),
  ],
  [
    'a pass does not waive a revoked registration',
    { overrides: [override()], revoked: [['registration', REGISTRATION_ID]] },
    fail(['registration-revoked']),
  ],
  [
    'a pass does not waive a suspended tenant',
    { overrides: [override()], tenantStatus: 'suspended' },
    fail(['tenant-suspended']),
  ],
  ['a fail for the app', { overrides: [override({ verdict: 'fail' })] }, fail(['device-override'])],
  ['a tenant-wide fail', { overrides: [override({ verdict: 'fail', appId: null })] }, fail(['device-override'])],
  [
    'a fail for another app does not apply',
    { overrides: [override({ verdict: 'fail', appId: OTHER_APP_ID })] },
    pass(),
  ],
  ['an expired fail does not apply', { overrides: [override({ verdict: 'fail', expiresAt: at(-1) })] }, pass()],
  [
    "a tenant-wide fail beats the app's own pass, which then waives nothing",
    { signals: ROOTED, overrides: [override(), override({ verdict: 'fail', appId: null })] },
    fail(['device-override', 'rooted-or-jailbroken']),
  ],
  [
    "the app's own fail beats a tenant-wide pass",
    { overrides: [override({ appId: null }), override({ verdict: 'fail' })] },
    fail(['device-override']),
  ],
  [
    'a fail still records the monitored signals',
    { signals: { proxy: true }, overrides: [override({ verdict: 'fail' })] },
    fail(['device-override'], { monitored: ['proxy'] }),
  ],
  [
    'two fails (the app and the tenant) give the reason once',
    { overrides: [override({ verdict: 'fail' }), override({ verdict: 'fail', appId: null })] },
    fail(['device-override']),
  ],
];

const EVIDENCE: Row[] = [
  [
    'Android: Key Attestation and Play Integrity required, only the SDK evidence sent',
    { rules: REQUIRE_EVERY_EVIDENCE },
    fail(['android-key-attestation-missing', 'play-integrity-missing']),
  ],
  [
    'Android: Key Attestation required and sent, Play Integrity required and not',
    { rules: REQUIRE_EVERY_EVIDENCE, supplied: ['sdk', 'androidKeyAttestation'] },
    fail(['play-integrity-missing']),
  ],
  [
    'Android: both required and sent (App Attest required too: an iOS rule)',
    { rules: REQUIRE_EVERY_EVIDENCE, supplied: ['sdk', 'androidKeyAttestation', 'playIntegrity'] },
    pass(),
  ],
  [
    'iOS: App Attest required and not sent (the Android rules required too)',
    ios({ rules: REQUIRE_EVERY_EVIDENCE }),
    fail(['apple-app-attest-missing']),
  ],
  [
    'iOS: App Attest required and sent',
    ios({ rules: REQUIRE_EVERY_EVIDENCE, supplied: ['sdk', 'appleAppAttest'] }),
    pass(),
  ],
  ['optional evidence not sent (the default)', { supplied: ['sdk'] }, pass()],
  [
    'ignored evidence not sent',
    { rules: rules({ evidence: { androidKeyAttestation: 'ignored', playIntegrity: 'ignored' } }) },
    pass(),
  ],
  [
    'SDK evidence ignored: signals and the SDK version are not looked at',
    {
      rules: rules({ evidence: { sdk: 'ignored' }, sdkVersions: '>=2' }),
      signals: EVERY_SIGNAL,
    },
    pass(),
  ],
  [
    'SDK evidence ignored: the measurement still is',
    {
      rules: rules({ evidence: { sdk: 'ignored' } }),
      measurement: androidMeasurement({ packageName: 'com.example.other' }),
    },
    fail(['app-mismatch', 'unregistered-build'], { registrationId: null }),
  ],
  [
    'SDK evidence ignored: the platform evidence rules still apply',
    { rules: rules({ evidence: { sdk: 'ignored', playIntegrity: 'required' } }) },
    fail(['play-integrity-missing']),
  ],
];

const SDK_VERSIONS: Row[] = [
  ['an SDK version within the range', { rules: rules({ sdkVersions: '>=1.4.0 <3' }), sdkVersion: '1.4.0' }, pass()],
  [
    'an SDK version below the range',
    { rules: rules({ sdkVersions: '>=1.4.0 <3' }), sdkVersion: '1.3.9' },
    fail(['sdk-version-refused']),
  ],
  [
    'an SDK version above the range',
    { rules: rules({ sdkVersions: '>=1.4.0 <3' }), sdkVersion: '3.0.0' },
    fail(['sdk-version-refused']),
  ],
  ['a prerelease SDK under "*"', { sdkVersion: '2.0.0-beta.1' }, pass()],
  [
    'a corrupt range (never written by the API) accepts nothing',
    { rules: { ...DEFAULT_POLICY_RULES, sdkVersions: 'latest' } },
    fail(['sdk-version-refused']),
  ],
];

const TENANT: Row[] = [
  ['a suspended tenant', { tenantStatus: 'suspended' }, fail(['tenant-suspended'])],
  [
    'a suspended tenant still records the monitored signals',
    { tenantStatus: 'suspended', signals: { userInstalledCa: true } },
    fail(['tenant-suspended'], { monitored: ['user-installed-ca'] }),
  ],
];

const SEVERAL: Row[] = [
  [
    'everything wrong at once, in the order of the reason codes',
    {
      tenantStatus: 'suspended',
      rules: rules({ sdkVersions: '>=2' }, STRICT_POLICY_RULES),
      signals: EVERY_SIGNAL,
      revoked: [
        ['installation', INSTALLATION_ID],
        ['device', DEVICE_ID],
      ],
      overrides: [override({ verdict: 'fail' })],
    },
    fail([
      'tenant-suspended',
      'device-revoked',
      'installation-revoked',
      'device-override',
      'android-key-attestation-missing',
      'play-integrity-missing',
      'sdk-version-refused',
      'rooted-or-jailbroken',
      'emulator',
      'debugger',
      'hooking-framework',
      'proxy',
      'user-installed-ca',
    ]),
  ],
  [
    'another app on an emulator with a debugger',
    {
      measurement: androidMeasurement({ packageName: 'com.example.other' }),
      signals: { debugger: true, emulator: true, proxy: true },
    },
    fail(['app-mismatch', 'unregistered-build', 'emulator', 'debugger'], {
      registrationId: null,
      monitored: ['proxy'],
    }),
  ],
  [
    'an expired registration on a revoked, hooked iPhone',
    ios({
      registrations: [registration(iosBuild(), { expiresAt: at(-1) })],
      revoked: [['device', DEVICE_ID]],
      signals: { hookingFramework: true },
    }),
    fail(['registration-expired', 'device-revoked', 'hooking-framework']),
  ],
];

const TABLES: [string, Row[]][] = [
  ['a genuine build passes', GENUINE],
  ['device signals: reject fails, monitor records, allow ignores', SIGNALS],
  ['identity: the measurement against the app and its registrations', IDENTITY],
  ['registrations: expired, revoked, several', REGISTRATIONS],
  ['revocations of the device and the installation', REVOCATIONS],
  ['device overrides', OVERRIDES],
  ['evidence requirements, per platform', EVIDENCE],
  ['SDK versions', SDK_VERSIONS],
  ['the tenant', TENANT],
  ['several reasons at once', SEVERAL],
];
const ROWS = TABLES.flatMap(([, rows]) => rows);

describe('evaluateAttestation', () => {
  describe.each(TABLES)('%s', (_table, rows) => {
    it.each(rows)('%s', (_case, scenario, verdict) => {
      expect(evaluateAttestation(attestationFacts(scenario))).toEqual(verdict);
    });
  });

  it('gives the same verdict for the same facts, whatever order the registrations come in', () => {
    const registrations = [
      registration(androidBuild(), { registrationId: EXPIRING, expiresAt: at(3_600_000) }),
      registration(androidBuild(), { registrationId: REVOKED }),
      registration(androidBuild()),
    ];
    const chosen = (list: typeof registrations) =>
      evaluateAttestation(attestationFacts({ registrations: list, revoked: [['registration', REVOKED]] }));
    expect(chosen(registrations)).toEqual(pass());
    expect(chosen([...registrations].reverse())).toEqual(pass());
  });
});

describe('the tables', () => {
  const verdicts = ROWS.map(([, scenario]) => evaluateAttestation(attestationFacts(scenario)));

  it('produce every registry and policy reason code', () => {
    const produced = new Set(verdicts.flatMap((verdict) => verdict.reasons));
    expect([...REGISTRY_REASONS, ...POLICY_REASONS].filter((reason) => !produced.has(reason))).toEqual([]);
  });

  it('record every signal as monitored in some case', () => {
    const monitored = new Set(verdicts.flatMap((verdict) => verdict.monitored));
    expect(Object.values(SIGNAL_REASONS).filter((reason) => !monitored.has(reason))).toEqual([]);
  });

  it('never fail without a reason, and never give an evidence reason (those are the caller’s)', () => {
    expect(verdicts.filter((verdict) => verdict.verdict === 'fail' && verdict.reasons.length === 0)).toEqual([]);
    const evidenceReasons: readonly AttestationReason[] = EVIDENCE_REASONS;
    expect(verdicts.flatMap((verdict) => verdict.reasons.filter((reason) => evidenceReasons.includes(reason)))).toEqual(
      [],
    );
  });
});
