import type { AppIdentifiers, PolicyRules } from '@tessera/contracts';
import type { DeviceOverrideRecord, RegistrationRecord } from '@tessera/policy';
import { RecordGroups } from './record-groups';

/** An app as the registry view holds it (app.upserted, without what attestation does not read). */
export interface AppRecord {
  appId: string;
  teamId: string;
  name: string;
  identifiers: AppIdentifiers;
  /** null: the built-in default policy. */
  policyId: string | null;
}

export type TenantStatus = 'active' | 'suspended';

/** What the registry view holds of one tenant. */
export class TenantRegistry {
  /** Unknown until the tenant's tenant.upserted has been read. */
  status: TenantStatus | undefined;
  readonly apps = new Map<string, AppRecord>();
  /** Policy id → its rules. */
  readonly policies = new Map<string, PolicyRules>();
  /** Grouped by app id. */
  readonly registrations = new RecordGroups<RegistrationRecord>((registration) => registration.registrationId);
  /** Grouped by device id. */
  readonly deviceOverrides = new RecordGroups<DeviceOverrideRecord>((override) => override.overrideId);
}
