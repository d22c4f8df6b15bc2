import { randomUUID } from 'node:crypto';
import {
  AppUpsertedV1,
  DeviceOverrideUpsertedV1,
  type EventData,
  type EventDefinition,
  EventCatalog,
  PolicyUpsertedV1,
  RegistrationUpsertedV1,
  RevocationUpsertedV1,
  TeamUpsertedV1,
  TenantUpsertedV1,
  type TopicDefinition,
  Topics,
  topicName,
} from '@tessera/contracts';
import { type DeadLetter, type DeadLetterPublisher, MessagingMetrics, silentLogger } from '@tessera/messaging';
import { STRICT_POLICY_RULES } from '@tessera/policy';
import type { ConsumerConfig, ConsumerRunConfig, ConsumerSubscribeTopics, EachBatchPayload, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { RegistryView } from './registry-view';
import {
  appEvent,
  deviceOverrideEvent,
  policyEvent,
  registrationEvent,
  revocationEvent,
} from './testing/registry-events';

const catalog = new EventCatalog();
const prefix = 'test.';

/** A kafkajs client that records what the consumer asked for, so that a test can hand it batches itself. */
function fakeKafka() {
  const asked: {
    config?: ConsumerConfig;
    subscribed?: ConsumerSubscribeTopics;
    run?: ConsumerRunConfig;
    deletedGroups: string[];
  } = { deletedGroups: [] };
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: () => undefined,
    connect: () => Promise.resolve(),
    subscribe: (subscription: ConsumerSubscribeTopics) => {
      asked.subscribed = subscription;
      return Promise.resolve();
    },
    run: (config: ConsumerRunConfig) => {
      asked.run = config;
      return Promise.resolve();
    },
    disconnect: () => Promise.resolve(),
  };
  const admin = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    deleteGroups: (groupIds: string[]) => {
      asked.deletedGroups.push(...groupIds);
      return Promise.resolve(groupIds.map((groupId) => ({ groupId, errorCode: 0 })));
    },
  };
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      asked.config = config;
      return consumer;
    },
    admin: () => admin,
  } as unknown as Kafka;
  return { kafka, asked };
}

/** One message as the registration service's relay writes it: the envelope as value, on the event's key. */
function message<Definition extends EventDefinition>(
  definition: Definition,
  tenant: string,
  data: EventData<Definition>,
) {
  const envelope = catalog.build(definition, { tenant, data, producer: 'test' });
  return { key: envelope.key, value: JSON.stringify(envelope) };
}

function batchOn(topic: TopicDefinition, messages: { key: string; value: string | null }[]): EachBatchPayload {
  return {
    batch: {
      topic: topicName(topic, prefix),
      partition: 0,
      highWatermark: String(messages.length),
      messages: messages.map((m, offset) => ({
        key: Buffer.from(m.key),
        value: m.value === null ? null : Buffer.from(m.value),
        offset: String(offset),
        timestamp: '0',
        attributes: 0,
        headers: {},
      })),
    },
    resolveOffset: () => undefined,
    heartbeat: () => Promise.resolve(),
    commitOffsetsIfNecessary: () => Promise.resolve(),
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
}

async function started() {
  const view = new RegistryView({ nodeId: 'integrity-1' });
  const { kafka, asked } = fakeKafka();
  const letters: DeadLetter[] = [];
  const deadLetters = {
    topic: `${prefix}tessera.dead-letter.v1`,
    publish: (letter: DeadLetter) => {
      letters.push(letter);
      return Promise.resolve();
    },
  } as unknown as DeadLetterPublisher;
  const metrics = new MessagingMetrics(new Registry());
  const consumer = view.consumer({ kafka, topicPrefix: prefix, catalog, deadLetters, logger: silentLogger, metrics });
  await consumer.start();
  const deliver = (topic: TopicDefinition, messages: { key: string; value: string | null }[]) =>
    asked.run!.eachBatch!(batchOn(topic, messages));
  /** Messages consumed by outcome, over the three topics. */
  const consumed = async () => {
    const counts: Record<string, number> = {};
    for (const { labels, value } of (await metrics.consumed.get()).values) {
      const outcome = String(labels.outcome);
      counts[outcome] = (counts[outcome] ?? 0) + value;
    }
    return counts;
  };
  return { view, consumer, asked, letters, deliver, consumed };
}

describe("the registry view's consumer", () => {
  it('reads the registry, policies and revocations topics from the beginning, in a group of its node', async () => {
    const { consumer, asked } = await started();
    expect(asked.subscribed).toEqual({
      topics: ['test.tessera.registry.v1', 'test.tessera.policies.v1', 'test.tessera.revocations.v1'],
      fromBeginning: true,
    });
    expect(asked.config).toMatchObject({ groupId: 'test.tessera-registry-view-integrity-1' });
    // A configured node id: the group a previous process left is deleted first, so the view is read from the start.
    expect(asked.deletedGroups).toEqual(['test.tessera-registry-view-integrity-1']);
    await consumer.stop();
  });

  it('applies each event it reads to the view, and counts the kinds it does not hold as ignored', async () => {
    const { view, consumer, deliver, consumed } = await started();
    const policy = policyEvent();
    const app = appEvent({ policyId: policy.policyId });
    const registration = registrationEvent(app.appId);
    const override = deviceOverrideEvent('pixel-7');
    await deliver(Topics.registry, [
      message(TenantUpsertedV1, 'acme', { tenantId: 'acme', name: 'Acme', status: 'suspended' }),
      message(AppUpsertedV1, 'acme', app),
      message(RegistrationUpsertedV1, 'acme', registration),
      message(TeamUpsertedV1, 'acme', { teamId: randomUUID(), name: 'Mobile', description: '' }),
    ]);
    await deliver(Topics.policies, [
      message(PolicyUpsertedV1, 'acme', policy),
      message(DeviceOverrideUpsertedV1, 'acme', override),
    ]);
    await deliver(Topics.revocations, [
      message(RevocationUpsertedV1, 'acme', revocationEvent('installation', 'thumbprint')),
    ]);

    expect(view.tenantStatus('acme')).toBe('suspended');
    expect(view.app('acme', app.appId)).toMatchObject({ policyId: policy.policyId });
    expect(view.rulesFor('acme', view.app('acme', app.appId)!)).toEqual(STRICT_POLICY_RULES);
    expect(view.registrationsOf('acme', app.appId).map((r) => r.registrationId)).toEqual([registration.registrationId]);
    expect(view.overridesFor('acme', 'pixel-7').map((o) => o.overrideId)).toEqual([override.overrideId]);
    expect(view.isRevoked('acme', 'installation', 'thumbprint')).toBe(true);
    expect(await consumed()).toEqual({ applied: 6, ignored: 1 });
    await consumer.stop();
  });

  it('removes what a tombstone names, on each topic, and dead-letters one whose key names nothing', async () => {
    const { view, consumer, deliver, letters, consumed } = await started();
    const app = appEvent();
    const override = deviceOverrideEvent('pixel-7');
    const revocation = revocationEvent('device', 'pixel-7');
    await deliver(Topics.registry, [
      message(AppUpsertedV1, 'acme', app),
      { key: `acme/app/${app.appId}`, value: null },
      { key: 'acme/nothing', value: null },
    ]);
    await deliver(Topics.policies, [
      message(DeviceOverrideUpsertedV1, 'acme', override),
      { key: `acme/device-override/${override.overrideId}`, value: null },
    ]);
    await deliver(Topics.revocations, [
      message(RevocationUpsertedV1, 'acme', revocation),
      { key: `acme/revocation/${revocation.revocationId}`, value: null },
    ]);

    expect(view.app('acme', app.appId)).toBeUndefined();
    expect(view.overridesFor('acme', 'pixel-7')).toEqual([]);
    expect(view.isRevoked('acme', 'device', 'pixel-7')).toBe(false);
    expect(letters.map((letter) => [letter.message.key?.toString(), letter.reason])).toEqual([
      [
        'acme/nothing',
        'handler refused the tombstone: the key "acme/nothing" is not <tenant>/<entity kind>/<entity id>',
      ],
    ]);
    expect(await consumed()).toEqual({ applied: 3, tombstone: 3, 'dead-lettered': 1 });
    await consumer.stop();
  });
});
