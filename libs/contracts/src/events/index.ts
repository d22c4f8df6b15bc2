import type { EventDefinition } from '../event-definition';
import { AppUpsertedV1 } from './app.events';
import { DeviceOverrideUpsertedV1, PolicyUpsertedV1 } from './policy.events';
import { RegistrationUpsertedV1 } from './registration.events';
import { RevocationUpsertedV1 } from './revocation.events';
import { SecureStringUpsertedV1 } from './secure-string.events';
import { TeamUpsertedV1 } from './team.events';
import { TenantUpsertedV1 } from './tenant.events';

export * from './app.events';
export * from './policy.events';
export * from './registration.events';
export * from './revocation.events';
export * from './secure-string.events';
export * from './team.events';
export * from './tenant.events';

/** Every event type and version Tessera publishes. Adding an event means adding it here. */
export const ALL_EVENTS: readonly EventDefinition[] = [
  TenantUpsertedV1,
  TeamUpsertedV1,
  AppUpsertedV1,
  RegistrationUpsertedV1,
  SecureStringUpsertedV1,
  PolicyUpsertedV1,
  DeviceOverrideUpsertedV1,
  RevocationUpsertedV1,
];
