import type { EventDefinition } from '../event-definition';
import { ApiKeyUpsertedV1 } from './api-key.events';
import { AttestationRecordedV1 } from './attestation.events';
import { AppUpsertedV1 } from './app.events';
import {
  PinConfigVersionUpsertedV1,
  PinRotationUpsertedV1,
  PinViolationReportedV1,
  ProtectedDomainUpsertedV1,
} from './pins.events';
import { DeviceOverrideUpsertedV1, PolicyUpsertedV1 } from './policy.events';
import { RegistrationUpsertedV1 } from './registration.events';
import { RevocationUpsertedV1 } from './revocation.events';
import { SecureStringUpsertedV1 } from './secure-string.events';
import { FailureKeyUpsertedV1, SigningKeyUpsertedV1 } from './signing-key.events';
import { TeamUpsertedV1 } from './team.events';
import { TenantUpsertedV1 } from './tenant.events';
import { TokenIssuedV1 } from './token.events';

export * from './api-key.events';
export * from './attestation.events';
export * from './app.events';
export * from './pins.events';
export * from './policy.events';
export * from './registration.events';
export * from './revocation.events';
export * from './secure-string.events';
export * from './signing-key.events';
export * from './team.events';
export * from './tenant.events';
export * from './token.events';

/** Every event type and version Tessera publishes. Adding an event means adding it here. */
export const ALL_EVENTS: readonly EventDefinition[] = [
  TenantUpsertedV1,
  TeamUpsertedV1,
  ApiKeyUpsertedV1,
  AppUpsertedV1,
  RegistrationUpsertedV1,
  SecureStringUpsertedV1,
  PolicyUpsertedV1,
  DeviceOverrideUpsertedV1,
  RevocationUpsertedV1,
  SigningKeyUpsertedV1,
  FailureKeyUpsertedV1,
  TokenIssuedV1,
  AttestationRecordedV1,
  ProtectedDomainUpsertedV1,
  PinConfigVersionUpsertedV1,
  PinViolationReportedV1,
  PinRotationUpsertedV1,
];
