import {
  AppUpsertedV1,
  DeviceOverrideUpsertedV1,
  type EventData,
  PolicyUpsertedV1,
  type PolicyRules,
  RegistrationUpsertedV1,
  RevocationUpsertedV1,
  TenantUpsertedV1,
  type TopicDefinition,
  Topics,
} from '@tessera/contracts';
import { type EventConsumer, type ViewConsumerOptions, viewConsumer, defaultViewNodeId } from '@tessera/messaging';
import {
  DEFAULT_POLICY_RULES,
  type DeviceOverrideRecord,
  type RegistrationRecord,
  type RevocationSubjectKind,
} from '@tessera/policy';
import { type ExpiringEntries, RevocationIndex } from '@tessera/verifier';
import { parseEntityKey } from './entity-key';
import { type AppRecord, TenantRegistry, type TenantStatus } from './tenant-registry';

const VIEW_TOPICS = [Topics.registry, Topics.policies, Topics.revocations];
const NONE: readonly never[] = Object.freeze([]);

/**
 * The integrity service's view of the registry: tenants' status, apps, registrations, policies, device overrides
 * and revocations, rebuilt from the beginning of the compacted registry, policies and revocations topics on every
 * start, then kept current by push, so that an attestation is decided without asking the registration service.
 * Each node reads every event, in a consumer group of its own. Teams, API keys and secure strings are not read
 * (the consumer counts their events as ignored).
 *
 * Every `apply*` sets state: a redelivered event or tombstone changes nothing. An expired registration or override
 * stays, as itself, until purgeExpired or its tombstone (the registration service's expiry sweep publishes one):
 * the evaluator tells an expired registration from none.
 */
export class RegistryView implements ExpiringEntries {
  readonly nodeId: string;
  private readonly nodeIdConfigured: boolean;
  private readonly tenants = new Map<string, TenantRegistry>();
  private readonly revocations = new RevocationIndex();
  private missingPolicies = 0;

  constructor(options: { nodeId?: string | undefined } = {}) {
    this.nodeId = options.nodeId ?? defaultViewNodeId();
    this.nodeIdConfigured = options.nodeId !== undefined;
  }

  /** How many times rulesFor met an app whose policy the view does not hold (and answered the default rules). */
  get policyMissing(): number {
    return this.missingPolicies;
  }

  tenantStatus(tenant: string): TenantStatus | undefined {
    return this.registryOf(tenant)?.status;
  }

  app(tenant: string, appId: string): AppRecord | undefined {
    return this.registryOf(tenant)?.apps.get(appId);
  }

  /** The app's policy rules: its policy's, or DEFAULT_POLICY_RULES when it has none or the view does not hold it. */
  rulesFor(tenant: string, app: AppRecord): PolicyRules {
    if (app.policyId === null) return DEFAULT_POLICY_RULES;
    const rules = this.registryOf(tenant)?.policies.get(app.policyId);
    if (rules) return rules;
    // Should not happen: the registration service assigns only a policy that exists and refuses to delete one an
    // app is assigned to. But apps (registry topic) and policies (policies topic) are read independently, so an
    // app.upserted naming a policy just created can come before that policy.upserted; for that moment the default
    // rules apply. Counted, so that it shows when it lasts (a policy.upserted dead-lettered, say).
    this.missingPolicies += 1;
    return DEFAULT_POLICY_RULES;
  }

  /** Every registration of the app, expired ones included (the evaluator decides). */
  registrationsOf(tenant: string, appId: string): readonly RegistrationRecord[] {
    return this.registryOf(tenant)?.registrations.in(appId) ?? NONE;
  }

  /** Overrides naming this device in this tenant, any app, expired ones included (the evaluator decides). */
  overridesFor(tenant: string, deviceId: string): readonly DeviceOverrideRecord[] {
    return this.registryOf(tenant)?.deviceOverrides.in(deviceId) ?? NONE;
  }

  /** A revocation in force at `now`; an expired one counts as lifted before its tombstone arrives. */
  isRevoked(tenant: string, kind: RevocationSubjectKind, value: string, now: number = Date.now()): boolean {
    return this.revocations.isRevoked(tenant, kind, value, now);
  }

  /** Counts for metrics: what the view holds, expired entries not yet purged included. */
  sizes(): {
    tenants: number;
    apps: number;
    registrations: number;
    policies: number;
    deviceOverrides: number;
    revocations: number;
  } {
    const sizes = {
      tenants: 0,
      apps: 0,
      registrations: 0,
      policies: 0,
      deviceOverrides: 0,
      revocations: this.revocations.size,
    };
    for (const registry of this.tenants.values()) {
      if (registry.status !== undefined) sizes.tenants += 1;
      sizes.apps += registry.apps.size;
      sizes.registrations += registry.registrations.size;
      sizes.policies += registry.policies.size;
      sizes.deviceOverrides += registry.deviceOverrides.size;
    }
    return sizes;
  }

  /**
   * Forgets the registrations, device overrides and revocations expired at `now`; how many (an ExpiryPurge target).
   * From then on an expired registration reads as none: the registration service's expiry sweep tombstones it
   * within seconds anyway.
   */
  purgeExpired(now: number = Date.now()): number {
    let purged = this.revocations.purgeExpired(now);
    for (const registry of this.tenants.values()) {
      purged += registry.registrations.purgeExpired(now) + registry.deviceOverrides.purgeExpired(now);
    }
    return purged;
  }

  applyTenant(tenant: string, data: EventData<typeof TenantUpsertedV1>): void {
    this.registryFor(tenant).status = data.status;
  }

  /** The app's latest state replaces what was held (its identifiers, its policy). */
  applyApp(tenant: string, data: EventData<typeof AppUpsertedV1>): void {
    const { appId, teamId, name, identifiers, policyId } = data;
    this.registryFor(tenant).apps.set(appId, { appId, teamId, name, identifiers, policyId });
  }

  /** Under its app; a registration that names another app than before leaves the old one. */
  applyRegistration(tenant: string, data: EventData<typeof RegistrationUpsertedV1>): void {
    const { registrationId, build, createdAt, expiresAt } = data;
    this.registryFor(tenant).registrations.upsert(
      data.appId,
      { registrationId, build, createdAt, expiresAt },
      epochMs(expiresAt),
    );
  }

  applyPolicy(tenant: string, data: EventData<typeof PolicyUpsertedV1>): void {
    this.registryFor(tenant).policies.set(data.policyId, data.rules);
  }

  /** Under its device; an override that names another device than before leaves the old one. */
  applyDeviceOverride(tenant: string, data: EventData<typeof DeviceOverrideUpsertedV1>): void {
    const { overrideId, appId, verdict, expiresAt } = data;
    this.registryFor(tenant).deviceOverrides.upsert(
      data.deviceId,
      { overrideId, appId, verdict, expiresAt },
      epochMs(expiresAt),
    );
  }

  applyRevocation(tenant: string, data: EventData<typeof RevocationUpsertedV1>): void {
    this.revocations.upsert(tenant, data);
  }

  /**
   * A tombstone on one of the view's topics removes the entity its key names; kinds the view does not hold (teams,
   * API keys, secure strings) change nothing. A key that names no entity throws PermanentEventError.
   */
  applyTombstone(topic: TopicDefinition, key: string): void {
    const { tenant, kind, id } = parseEntityKey(key);
    if (topic.name === Topics.revocations.name) {
      if (kind === 'revocation') this.revocations.lift(id);
      return;
    }
    const registry = this.registryOf(tenant);
    if (!registry) return;
    if (topic.name === Topics.registry.name) {
      if (kind === 'tenant') registry.status = undefined;
      else if (kind === 'app') registry.apps.delete(id);
      else if (kind === 'registration') registry.registrations.remove(id);
    } else if (topic.name === Topics.policies.name) {
      if (kind === 'policy') registry.policies.delete(id);
      else if (kind === 'device-override') registry.deviceOverrides.remove(id);
    }
  }

  /** The consumer that feeds the view: start it, and count the view as ready once it has caught up. */
  consumer(options: ViewConsumerOptions): EventConsumer<undefined> {
    const consumer = viewConsumer({
      ...options,
      nodeIdConfigured: this.nodeIdConfigured,
      groupId: `${options.topicPrefix}tessera-registry-view-${this.nodeId}`,
      topics: VIEW_TOPICS,
    })
      .on(TenantUpsertedV1, (event) => {
        this.applyTenant(event.tenant, event.data);
        return Promise.resolve();
      })
      .on(AppUpsertedV1, (event) => {
        this.applyApp(event.tenant, event.data);
        return Promise.resolve();
      })
      .on(RegistrationUpsertedV1, (event) => {
        this.applyRegistration(event.tenant, event.data);
        return Promise.resolve();
      })
      .on(PolicyUpsertedV1, (event) => {
        this.applyPolicy(event.tenant, event.data);
        return Promise.resolve();
      })
      .on(DeviceOverrideUpsertedV1, (event) => {
        this.applyDeviceOverride(event.tenant, event.data);
        return Promise.resolve();
      })
      .on(RevocationUpsertedV1, (event) => {
        this.applyRevocation(event.tenant, event.data);
        return Promise.resolve();
      });
    for (const topic of VIEW_TOPICS) {
      // A PermanentEventError thrown here (a key naming nothing) sends the tombstone to the dead-letter topic.
      consumer.onTombstone(topic, (tombstone) => {
        this.applyTombstone(tombstone.topic, tombstone.key);
        return Promise.resolve();
      });
    }
    return consumer;
  }

  private registryOf(tenant: string): TenantRegistry | undefined {
    return this.tenants.get(tenant);
  }

  private registryFor(tenant: string): TenantRegistry {
    let registry = this.tenants.get(tenant);
    if (!registry) {
      registry = new TenantRegistry();
      this.tenants.set(tenant, registry);
    }
    return registry;
  }
}

function epochMs(time: string | null): number | null {
  return time === null ? null : Date.parse(time);
}
