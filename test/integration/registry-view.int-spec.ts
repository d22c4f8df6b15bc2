import {
  AppUpsertedV1,
  DeviceOverrideUpsertedV1,
  type EventData,
  type EventDefinition,
  PolicyUpsertedV1,
  RegistrationUpsertedV1,
  RevocationUpsertedV1,
  TeamUpsertedV1,
  TenantUpsertedV1,
  type TopicDefinition,
  Topics,
  topicName,
} from '@tessera/contracts';
import { DeadLetterPublisher, type EventConsumer, ProducerConnection, silentLogger } from '@tessera/messaging';
import {
  DEFAULT_POLICY_RULES,
  type DeviceOverrideRecord,
  type RegistrationRecord,
  STRICT_POLICY_RULES,
} from '@tessera/policy';
import { type AppRecord, RegistryView } from '@tessera/registry-view';
import {
  appEvent,
  deviceOverrideEvent,
  policyEvent,
  registrationEvent,
  revocationEvent,
} from '../../libs/registry-view/src/testing/registry-events';
import { eventually } from '../support/eventually';
import { consumerGroups, produceRaw } from '../support/kafka-probe';
import { catalog, provisionTopics, testKafka } from '../support/messaging-fixture';
import { publishEvent } from '../support/publish-event';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const prefix = `regview${suffix}.`;
const kafka = testKafka(env.kafkaBrokers);
const producer = new ProducerConnection(kafka);
const tombstone = (topic: TopicDefinition, key: string) =>
  produceRaw(env.kafkaBrokers, topicName(topic, prefix), [{ key, value: null }]);

const publish = <Definition extends EventDefinition>(
  definition: Definition,
  tenant: string,
  data: EventData<Definition>,
): Promise<void> => publishEvent(env.kafkaBrokers, prefix, definition, tenant, data);
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

// What the registration service has published before the first view starts.
const policy = policyEvent();
const app = appEvent({ policyId: policy.policyId });
const otherApp = appEvent({ identifiers: { platform: 'ios', appleTeamId: 'ABCDE12345', bundleId: 'com.example.ios' } });
const registration = registrationEvent(app.appId);
const expiredRegistration = registrationEvent(app.appId, { expiresAt: hourAgo() });
const otherRegistration = registrationEvent(otherApp.appId);
const override = deviceOverrideEvent('pixel-7', { appId: app.appId });
const expiredOverride = deviceOverrideEvent('pixel-7', { verdict: 'fail', expiresAt: hourAgo() });
const revocation = revocationEvent('device', 'stolen-phone');

/** Records as the view holds them, from the events' data. */
const appRecord = (data: EventData<typeof AppUpsertedV1>): AppRecord => {
  const { appId, teamId, name, identifiers, policyId } = data;
  return { appId, teamId, name, identifiers, policyId };
};
const registrationRecord = (data: EventData<typeof RegistrationUpsertedV1>): RegistrationRecord => {
  const { registrationId, build, createdAt, expiresAt } = data;
  return { registrationId, build, createdAt, expiresAt };
};
const overrideRecord = (data: EventData<typeof DeviceOverrideUpsertedV1>): DeviceOverrideRecord => {
  const { overrideId, appId, verdict, expiresAt } = data;
  return { overrideId, appId, verdict, expiresAt };
};
// Within an app or a device, records come in the order they were read: keys spread over partitions read apart.
const registrationsById = (records: readonly RegistrationRecord[]) =>
  [...records].sort((a, b) => a.registrationId.localeCompare(b.registrationId));
const overridesById = (records: readonly DeviceOverrideRecord[]) =>
  [...records].sort((a, b) => a.overrideId.localeCompare(b.overrideId));

interface RunningView {
  view: RegistryView;
  consumer: EventConsumer<undefined>;
}

async function startView(node: string): Promise<RunningView> {
  const view = new RegistryView({ nodeId: `${node}-${suffix}` });
  const consumer = view.consumer({
    kafka,
    topicPrefix: prefix,
    catalog,
    deadLetters: new DeadLetterPublisher(producer, prefix),
    logger: silentLogger,
  });
  await consumer.start();
  await eventually(() => consumer.isCaughtUp, `the ${node} view to catch up`, 30_000);
  return { view, consumer };
}

/** Everything the view answers about the events above, to compare two views by. */
function answers(view: RegistryView) {
  const heldApp = view.app('acme', app.appId);
  return {
    acme: view.tenantStatus('acme'),
    globex: view.tenantStatus('globex'),
    app: heldApp,
    rules: heldApp && view.rulesFor('acme', heldApp),
    otherApp: view.app('acme', otherApp.appId),
    registrations: registrationsById(view.registrationsOf('acme', app.appId)),
    otherRegistrations: view.registrationsOf('acme', otherApp.appId),
    overrides: overridesById(view.overridesFor('acme', 'pixel-7')),
    revoked: view.isRevoked('acme', 'device', 'stolen-phone'),
    sizes: view.sizes(),
  };
}

describe('the registry view, fed by the compacted topics (real broker)', () => {
  const views: RunningView[] = [];
  let first: RegistryView;

  beforeAll(async () => {
    await provisionTopics(kafka, prefix, [Topics.registry, Topics.policies, Topics.revocations, Topics.deadLetter]);
    await Promise.all([
      publish(TenantUpsertedV1, 'acme', { tenantId: 'acme', name: 'Acme', status: 'active' }),
      publish(TenantUpsertedV1, 'globex', { tenantId: 'globex', name: 'Globex', status: 'suspended' }),
      publish(TeamUpsertedV1, 'acme', { teamId: app.teamId, name: 'Mobile', description: '' }),
      publish(PolicyUpsertedV1, 'acme', policy),
      publish(AppUpsertedV1, 'acme', app),
      publish(AppUpsertedV1, 'acme', otherApp),
      publish(RegistrationUpsertedV1, 'acme', registration),
      publish(RegistrationUpsertedV1, 'acme', expiredRegistration),
      publish(RegistrationUpsertedV1, 'acme', otherRegistration),
      publish(DeviceOverrideUpsertedV1, 'acme', override),
      publish(DeviceOverrideUpsertedV1, 'acme', expiredOverride),
      publish(RevocationUpsertedV1, 'acme', revocation),
    ]);
    const running = await startView('first');
    views.push(running);
    first = running.view;
  });

  afterAll(async () => {
    await Promise.all(views.map(({ consumer }) => consumer.stop()));
    await producer.disconnect();
  });

  it('holds, once caught up, everything that was on the topics, teams left out', () => {
    expect(answers(first)).toEqual({
      acme: 'active',
      globex: 'suspended',
      app: appRecord(app),
      rules: STRICT_POLICY_RULES,
      otherApp: appRecord(otherApp),
      registrations: registrationsById([registrationRecord(registration), registrationRecord(expiredRegistration)]),
      otherRegistrations: [registrationRecord(otherRegistration)],
      overrides: overridesById([overrideRecord(override), overrideRecord(expiredOverride)]),
      revoked: true,
      sizes: { tenants: 2, apps: 2, registrations: 3, policies: 1, deviceOverrides: 2, revocations: 1 },
    });
  });

  it('reports an expired registration and an expired override as such: held, with their past expiry', () => {
    const expired = (record: { expiresAt: string | null } | undefined) =>
      record?.expiresAt != null && Date.parse(record.expiresAt) <= Date.now();
    const registrations = first.registrationsOf('acme', app.appId);
    const registrationOf = (id: string) => registrations.find((r) => r.registrationId === id);
    expect(registrationOf(expiredRegistration.registrationId)).toEqual(registrationRecord(expiredRegistration));
    expect(expired(registrationOf(expiredRegistration.registrationId))).toBe(true);
    expect(expired(registrationOf(registration.registrationId))).toBe(false);
    const overrides = first.overridesFor('acme', 'pixel-7');
    const overrideOf = (id: string) => overrides.find((o) => o.overrideId === id);
    expect(overrideOf(expiredOverride.overrideId)).toEqual(overrideRecord(expiredOverride));
    expect(expired(overrideOf(expiredOverride.overrideId))).toBe(true);
    expect(expired(overrideOf(override.overrideId))).toBe(false);
  });

  it('follows changes by push: an app that changes is replaced, a tombstone removes', async () => {
    const changed = { ...app, identifiers: { platform: 'android' as const, packageName: 'com.example.pay' } };
    await publish(AppUpsertedV1, 'acme', changed);
    await tombstone(Topics.registry, `acme/app/${otherApp.appId}`);
    await tombstone(Topics.registry, `acme/registration/${otherRegistration.registrationId}`);
    await tombstone(Topics.policies, `acme/device-override/${override.overrideId}`);
    await tombstone(Topics.revocations, `acme/revocation/${revocation.revocationId}`);
    await eventually(
      () =>
        first.app('acme', app.appId)?.identifiers.platform === 'android' &&
        (first.app('acme', app.appId)?.identifiers as { packageName: string }).packageName === 'com.example.pay' &&
        first.app('acme', otherApp.appId) === undefined &&
        first.registrationsOf('acme', otherApp.appId).length === 0 &&
        first.overridesFor('acme', 'pixel-7').length === 1 &&
        !first.isRevoked('acme', 'device', 'stolen-phone'),
      'the change and the tombstones to reach the view',
    );
    // The policy goes after the app stops naming it, as the registration service requires.
    await publish(AppUpsertedV1, 'acme', { ...changed, policyId: null });
    await tombstone(Topics.policies, `acme/policy/${policy.policyId}`);
    await eventually(
      () => first.sizes().policies === 0 && first.app('acme', app.appId)?.policyId === null,
      'the policy to go',
    );
    expect(first.rulesFor('acme', first.app('acme', app.appId)!)).toBe(DEFAULT_POLICY_RULES);
    expect(first.policyMissing).toBe(0);
    expect(first.sizes()).toEqual({
      tenants: 2,
      apps: 1,
      registrations: 2,
      policies: 0,
      deviceOverrides: 1,
      revocations: 0,
    });
  });

  it('rebuilds the same view on a node started after the events and tombstones', async () => {
    const late = await startView('late');
    views.push(late);
    expect(answers(late.view)).toEqual(answers(first));
    expect(late.view.app('acme', otherApp.appId)).toBeUndefined();
    expect(late.view.overridesFor('acme', 'pixel-7').map((o) => o.overrideId)).toEqual([expiredOverride.overrideId]);
    expect(late.view.isRevoked('acme', 'device', 'stolen-phone')).toBe(false);
  });

  it('rebuilds the whole view again on a node restarted with the same (configured) node id', async () => {
    const before = await startView('fixed');
    expect(answers(before.view)).toEqual(answers(first));
    // Its group committed offsets up to the log end; the restarted process holds nothing yet and must not resume.
    await before.consumer.stop();
    const restarted = await startView('fixed');
    views.push(restarted);
    expect(answers(restarted.view)).toEqual(answers(first));
  });

  it("deletes a view's consumer group at shutdown, so none is left behind for Kafka to keep", async () => {
    const group = `${prefix}tessera-registry-view-leaving-${suffix}`;
    const leaving = await startView('leaving');
    expect(await consumerGroups(env.kafkaBrokers)).toContain(group);
    await leaving.consumer.shutdown();
    expect(await consumerGroups(env.kafkaBrokers)).not.toContain(group);
  });

  it('forgets the expired registration and override on purgeExpired, and keeps the rest', () => {
    expect(first.purgeExpired()).toBe(2);
    expect(first.registrationsOf('acme', app.appId).map((r) => r.registrationId)).toEqual([
      registration.registrationId,
    ]);
    expect(first.overridesFor('acme', 'pixel-7')).toEqual([]);
    expect(first.sizes()).toMatchObject({ registrations: 1, deviceOverrides: 0 });
  });
});
