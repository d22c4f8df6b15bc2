import { randomUUID } from 'node:crypto';
import type {
  AppUpsertedV1,
  DeviceOverrideUpsertedV1,
  EventData,
  PolicyUpsertedV1,
  RegistrationUpsertedV1,
  RevocationUpsertedV1,
} from '@tessera/contracts';
import { STRICT_POLICY_RULES } from '@tessera/policy';

/** Event data as the registration service publishes it, for the registry view's tests; each call new ids. */

export function appEvent(overrides: Partial<EventData<typeof AppUpsertedV1>> = {}): EventData<typeof AppUpsertedV1> {
  return {
    appId: randomUUID(),
    teamId: randomUUID(),
    name: 'Payments',
    identifiers: { platform: 'android', packageName: 'com.example.payments' },
    policyId: null,
    ...overrides,
  };
}

export function registrationEvent(
  appId: string,
  overrides: Partial<EventData<typeof RegistrationUpsertedV1>> = {},
): EventData<typeof RegistrationUpsertedV1> {
  return {
    registrationId: randomUUID(),
    appId,
    teamId: randomUUID(),
    build: {
      platform: 'android',
      packageName: 'com.example.payments',
      versionCodes: { min: 1, max: null },
      signingCertificateSha256: ['a'.repeat(64)],
      lineageCertificateSha256: [],
      versionName: null,
    },
    source: 'fields',
    createdAt: '2026-12-01T10:00:00.000Z',
    expiresAt: null,
    ...overrides,
  };
}

export function policyEvent(
  overrides: Partial<EventData<typeof PolicyUpsertedV1>> = {},
): EventData<typeof PolicyUpsertedV1> {
  return { policyId: randomUUID(), name: 'Strict', rules: STRICT_POLICY_RULES, ...overrides };
}

export function deviceOverrideEvent(
  deviceId: string,
  overrides: Partial<EventData<typeof DeviceOverrideUpsertedV1>> = {},
): EventData<typeof DeviceOverrideUpsertedV1> {
  return {
    overrideId: randomUUID(),
    deviceId,
    appId: null,
    verdict: 'pass',
    reason: 'QA device',
    createdAt: '2026-12-01T10:00:00.000Z',
    expiresAt: null,
    ...overrides,
  };
}

export function revocationEvent(
  kind: 'device' | 'installation' | 'registration' | 'token',
  value: string,
  expiresAt: string | null = null,
): EventData<typeof RevocationUpsertedV1> {
  return { revocationId: randomUUID(), subject: { kind, value }, createdAt: '2026-12-01T10:00:00.000Z', expiresAt };
}
