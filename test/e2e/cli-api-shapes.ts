/**
 * The CLI's idea of the admin APIs (libs/cli/src/api) against the services' own (apps/registration/src and
 * apps/token/src/admin), checked by
 * `npm run typecheck`: libs may not import apps, so this is where the two meet. A view the service changes, or a
 * request field its zod schema stops taking, fails the typecheck here instead of surprising someone at a terminal.
 */
import type { z } from 'zod';
import type {
  ApiKey,
  App,
  AuditEntry,
  AuditQuery,
  CreateAppBody,
  CreateDeviceOverrideBody,
  CreateKeyBody,
  CreatePolicyBody,
  CreateRegistrationBody,
  CreateRevocationBody,
  CreateTeamBody,
  DeviceOverride,
  InspectTokenBody,
  ListAppsQuery,
  ListDeviceOverridesQuery,
  ListKeysQuery,
  ListRegistrationsQuery,
  ListRevocationsQuery,
  ListSecureStringsQuery,
  Policy,
  PolicyPresets,
  Registration,
  Revocation,
  RevokeSigningKeyBody,
  RotateSigningKeysBody,
  SecureString,
  SigningKey,
  SigningKeyList,
  SigningKeySecret,
  SigningSettings,
  Team,
  Tenant,
  TokenClaims,
  TokenInspection,
  UpdatePolicyBody,
  UpdateSigningSettingsBody,
  UpdateTeamBody,
  CreateDomainBody,
  EmergencyReplaceBody,
  EmergencyReplacement,
  InitialPinConfig,
  ListPinReportsQuery,
  Page,
  PinRotation,
  PinViolation,
  PlanRotationBody,
  ProtectedDomain,
  RetireBody,
  RetiredRotation,
} from '@tessera/cli';
import type { TokenClaims as ServiceTokenClaims } from '@tessera/tokens';
import type { ApkUploadQuery as CliApkUploadQuery } from '../../libs/cli/src/api/requests';
import type { ApiKeyView } from '../../apps/registration/src/api-keys/api-key.view';
import type * as KeySchemas from '../../apps/registration/src/api-keys/api-keys.schemas';
import type { AppView } from '../../apps/registration/src/apps/app.view';
import type * as AppSchemas from '../../apps/registration/src/apps/apps.schemas';
import type { AuditEventView } from '../../apps/registration/src/audit/audit-event.view';
import type * as AuditSchemas from '../../apps/registration/src/audit/audit.schemas';
import type { DeviceOverrideView } from '../../apps/registration/src/device-overrides/device-override.view';
import type * as OverrideSchemas from '../../apps/registration/src/device-overrides/device-overrides.schemas';
import type * as PolicySchemas from '../../apps/registration/src/policies/policies.schemas';
import type { PoliciesService } from '../../apps/registration/src/policies/policies.service';
import type { PolicyView } from '../../apps/registration/src/policies/policy.view';
import type { RegistrationView } from '../../apps/registration/src/registrations/registration.view';
import type * as RegistrationSchemas from '../../apps/registration/src/registrations/registrations.schemas';
import type { RevocationView } from '../../apps/registration/src/revocations/revocation.view';
import type * as RevocationSchemas from '../../apps/registration/src/revocations/revocations.schemas';
import type { SecureStringView } from '../../apps/registration/src/secure-strings/secure-string.view';
import type * as SecureStringSchemas from '../../apps/registration/src/secure-strings/secure-strings.schemas';
import type { TeamView } from '../../apps/registration/src/teams/team.view';
import type * as TeamSchemas from '../../apps/registration/src/teams/teams.schemas';
import type { TenantView } from '../../apps/registration/src/tenants/tenant.view';
import type * as TenantSchemas from '../../apps/registration/src/tenants/tenants.schemas';
import type { SigningKeysController } from '../../apps/token/src/admin/signing-keys.controller';
import type * as SigningKeySchemas from '../../apps/token/src/admin/signing-keys.schemas';
import type { TokenInspectionController } from '../../apps/token/src/admin/token-inspection.controller';
import type { SigningKeyView } from '../../apps/token/src/keys/signing-key.record';
import type { InitialConfigController } from '../../apps/pins/src/config/initial-config.controller';
import type { DomainsController } from '../../apps/pins/src/domains/domains.controller';
import type * as DomainSchemas from '../../apps/pins/src/domains/domains.schemas';
import type { PinReportsController } from '../../apps/pins/src/reports/pin-reports.controller';
import type * as PinReportSchemas from '../../apps/pins/src/reports/pin-reports.schemas';
import type { RotationsController } from '../../apps/pins/src/rotations/rotations.controller';
import type * as RotationSchemas from '../../apps/pins/src/rotations/rotations.schemas';

/** A view as it travels: what JSON.stringify makes of it (dates become strings). */
type Json<T> = T extends Date
  ? string
  : T extends readonly (infer Item)[]
    ? Json<Item>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/** What an endpoint of the token service answers: its controller method's result. */
type Answer<Method extends (...args: never[]) => unknown> = Awaited<ReturnType<Method>>;
type SigningKeys = SigningKeysController;

/** The CLI reads exactly what the service answers: every field, with its type, and nothing more. */
type SameShape<Cli, Service> = [Cli] extends [Json<Service>]
  ? [Json<Service>] extends [Cli]
    ? // Assignability alone lets the CLI expect an optional field the service never sends.
      [Exclude<KeysOf<Cli>, KeysOf<Service>>] extends [never]
      ? true
      : false
    : false
  : false;

/** What the CLI sends is accepted by the schema, field for field (the schemas refuse unknown fields). */
type Accepted<Sent, Schema extends z.ZodType> = [Sent] extends [z.input<Schema>]
  ? [Exclude<KeysOf<Sent>, KeysOf<z.input<Schema>>>] extends [never]
    ? true
    : false
  : false;
type KeysOf<T> = T extends unknown ? keyof T : never;

const views = {
  tenant: true as SameShape<Tenant, TenantView>,
  team: true as SameShape<Team, TeamView>,
  key: true as SameShape<ApiKey, ApiKeyView>,
  app: true as SameShape<App, AppView>,
  registration: true as SameShape<Registration, RegistrationView>,
  policy: true as SameShape<Policy, PolicyView>,
  presets: true as SameShape<PolicyPresets, ReturnType<PoliciesService['presets']>>,
  deviceOverride: true as SameShape<DeviceOverride, DeviceOverrideView>,
  secureString: true as SameShape<SecureString, SecureStringView>,
  revocation: true as SameShape<Revocation, RevocationView>,
  auditEntry: true as SameShape<AuditEntry, AuditEventView>,
  // The token service
  signingKey: true as SameShape<SigningKey, SigningKeyView>,
  signingKeyList: true as SameShape<SigningKeyList, Answer<SigningKeys['list']>>,
  signingKeyShown: true as SameShape<SigningKey, Answer<SigningKeys['get']>>,
  rotated: true as SameShape<SigningKeyList, Answer<SigningKeys['rotate']>>,
  revokedSigningKey: true as SameShape<SigningKey, Answer<SigningKeys['revoke']>>,
  signingKeySecret: true as SameShape<SigningKeySecret, Answer<SigningKeys['secret']>>,
  signingSettings: true as SameShape<SigningSettings, Answer<SigningKeys['settings']>>,
  updatedSigningSettings: true as SameShape<SigningSettings, Answer<SigningKeys['updateSettings']>>,
  tokenInspection: true as SameShape<TokenInspection, Answer<TokenInspectionController['inspect']>>,
  // Nested in the inspection, where only the outer keys are compared.
  tokenClaims: true as SameShape<TokenClaims, ServiceTokenClaims>,
  // The pins service
  domain: true as SameShape<ProtectedDomain, Answer<DomainsController['get']>>,
  domainCreated: true as SameShape<ProtectedDomain, Answer<DomainsController['create']>>,
  domainList: true as SameShape<{ items: ProtectedDomain[] }, Answer<DomainsController['list']>>,
  rotation: true as SameShape<PinRotation, Answer<RotationsController['get']>>,
  rotationPlanned: true as SameShape<PinRotation, Answer<RotationsController['plan']>>,
  rotationCancelled: true as SameShape<PinRotation, Answer<RotationsController['cancel']>>,
  rotationList: true as SameShape<{ items: PinRotation[] }, Answer<RotationsController['list']>>,
  retired: true as SameShape<RetiredRotation, Answer<RotationsController['retire']>>,
  emergencyReplaced: true as SameShape<EmergencyReplacement, Answer<RotationsController['emergencyReplace']>>,
  pinReports: true as SameShape<Page<PinViolation>, Answer<PinReportsController['list']>>,
  initialPinConfig: true as SameShape<InitialPinConfig, Answer<InitialConfigController['initialConfig']>>,
} satisfies Record<string, true>;

const requests = {
  renameTenant: true as Accepted<{ name: string }, typeof TenantSchemas.UpdateTenantBody>,
  createTeam: true as Accepted<CreateTeamBody, typeof TeamSchemas.CreateTeamBody>,
  updateTeam: true as Accepted<UpdateTeamBody, typeof TeamSchemas.UpdateTeamBody>,
  createKey: true as Accepted<CreateKeyBody, typeof KeySchemas.CreateKeyBody>,
  listKeys: true as Accepted<ListKeysQuery, typeof KeySchemas.ListKeysQuery>,
  createApp: true as Accepted<CreateAppBody, typeof AppSchemas.CreateAppBody>,
  renameApp: true as Accepted<{ name: string }, typeof AppSchemas.UpdateAppBody>,
  listApps: true as Accepted<ListAppsQuery, typeof AppSchemas.ListAppsQuery>,
  createRegistration: true as Accepted<CreateRegistrationBody, typeof RegistrationSchemas.CreateRegistrationBody>,
  apkUpload: true as Accepted<CliApkUploadQuery, typeof RegistrationSchemas.ApkUploadQuery>,
  listRegistrations: true as Accepted<ListRegistrationsQuery, typeof RegistrationSchemas.ListRegistrationsQuery>,
  createPolicy: true as Accepted<CreatePolicyBody, typeof PolicySchemas.CreatePolicyBody>,
  updatePolicy: true as Accepted<UpdatePolicyBody, typeof PolicySchemas.UpdatePolicyBody>,
  assignPolicy: true as Accepted<{ policyId: string | null }, typeof PolicySchemas.AssignPolicyBody>,
  setSecureString: true as Accepted<{ value: string }, typeof SecureStringSchemas.PutSecureStringBody>,
  listSecureStrings: true as Accepted<ListSecureStringsQuery, typeof SecureStringSchemas.ListSecureStringsQuery>,
  createOverride: true as Accepted<CreateDeviceOverrideBody, typeof OverrideSchemas.CreateOverrideBody>,
  listOverrides: true as Accepted<ListDeviceOverridesQuery, typeof OverrideSchemas.ListOverridesQuery>,
  createRevocation: true as Accepted<CreateRevocationBody, typeof RevocationSchemas.CreateRevocationBody>,
  listRevocations: true as Accepted<ListRevocationsQuery, typeof RevocationSchemas.ListRevocationsQuery>,
  audit: true as Accepted<AuditQuery, typeof AuditSchemas.AuditQuery>,
  // The token service
  rotateSigningKeys: true as Accepted<RotateSigningKeysBody, typeof SigningKeySchemas.RotateBody>,
  revokeSigningKey: true as Accepted<RevokeSigningKeyBody, typeof SigningKeySchemas.RevokeBody>,
  updateSigningSettings: true as Accepted<UpdateSigningSettingsBody, typeof SigningKeySchemas.UpdateSettingsBody>,
  inspectToken: true as Accepted<InspectTokenBody, typeof SigningKeySchemas.InspectBody>,
  // The pins service
  createDomain: true as Accepted<CreateDomainBody, typeof DomainSchemas.CreateDomainBody>,
  planRotation: true as Accepted<PlanRotationBody, typeof RotationSchemas.PlanRotationBody>,
  retire: true as Accepted<RetireBody, typeof RotationSchemas.RetireBody>,
  emergencyReplace: true as Accepted<EmergencyReplaceBody, typeof RotationSchemas.EmergencyReplaceBody>,
  listPinReports: true as Accepted<ListPinReportsQuery, typeof PinReportSchemas.PinReportsQuery>,
} satisfies Record<string, true>;

export const cliMatchesApi = { views, requests };
