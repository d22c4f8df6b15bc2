import { Topics, topicName } from '@tessera/contracts';
import { silentLogger, TopicProvisioner, TopicRegistryConflict } from '@tessera/messaging';
import { type Admin, ConfigResourceTypes } from 'kafkajs';
import { testKafka } from '../support/messaging-fixture';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();

describe('topic provisioning from the registry, on the real broker', () => {
  let admin: Admin;

  beforeAll(async () => {
    admin = testKafka(env.kafkaBrokers).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  const configOf = async (topic: string) => {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    return Object.fromEntries((described.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
  };

  it('creates missing topics with the registry partitions and cleanup policies, and is idempotent', async () => {
    const prefix = `test-${uniqueSuffix()}.`;
    const provisioner = new TopicProvisioner(admin, prefix, -1, silentLogger);
    const first = await provisioner.provision([Topics.revocations, Topics.attestations]);
    expect(first.created.sort()).toEqual([
      topicName(Topics.attestations, prefix),
      topicName(Topics.revocations, prefix),
    ]);

    const metadata = await admin.fetchTopicMetadata({ topics: [topicName(Topics.revocations, prefix)] });
    expect(metadata.topics[0]?.partitions).toHaveLength(Topics.revocations.partitions);
    expect(await configOf(topicName(Topics.revocations, prefix))).toMatchObject({
      'cleanup.policy': 'compact',
      'delete.retention.ms': '86400000',
    });
    expect(await configOf(topicName(Topics.attestations, prefix))).toMatchObject({
      'cleanup.policy': 'delete',
      'retention.ms': String(Topics.attestations.retentionMs),
    });

    const second = await provisioner.provision([Topics.revocations, Topics.attestations]);
    expect(second.created).toEqual([]);
    expect(second.updated).toEqual([]);
    expect(second.unchanged).toHaveLength(2);
  });

  it('corrects a drifted cleanup policy and keeps the settings an operator put on the topic', async () => {
    const prefix = `test-${uniqueSuffix()}.`;
    const name = topicName(Topics.revocations, prefix);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: name,
          numPartitions: Topics.revocations.partitions,
          configEntries: [
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    });

    const result = await new TopicProvisioner(admin, prefix, -1, silentLogger).provision([Topics.revocations]);
    expect(result.updated).toEqual([name]);
    expect(await configOf(name)).toMatchObject({ 'cleanup.policy': 'compact', 'max.message.bytes': '2000000' });
  });

  it('adds partitions to an append-only topic that has fewer than the registry asks for', async () => {
    const prefix = `test-${uniqueSuffix()}.`;
    const name = topicName(Topics.attestations, prefix);
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: 1 }] });

    const result = await new TopicProvisioner(admin, prefix, -1, silentLogger).provision([Topics.attestations]);
    expect(result.updated).toEqual([name]);
    const metadata = await admin.fetchTopicMetadata({ topics: [name] });
    expect(metadata.topics[0]?.partitions).toHaveLength(Topics.attestations.partitions);
  });

  it('refuses to re-partition a compacted topic, and leaves it as it was', async () => {
    const prefix = `test-${uniqueSuffix()}.`;
    const name = topicName(Topics.revocations, prefix);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: name, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });

    const provisioning = new TopicProvisioner(admin, prefix, -1, silentLogger).provision([Topics.revocations]);
    await expect(provisioning).rejects.toThrow(TopicRegistryConflict);
    await expect(provisioning).rejects.toThrow(/has 1 partitions and the registry asks for 3/);
    const metadata = await admin.fetchTopicMetadata({ topics: [name] });
    expect(metadata.topics[0]?.partitions).toHaveLength(1);
  });

  it('tolerates several instances provisioning at once', async () => {
    const prefix = `test-${uniqueSuffix()}.`;
    const provisioners = Array.from({ length: 3 }, () => new TopicProvisioner(admin, prefix, -1, silentLogger));
    await Promise.all(provisioners.map((p) => p.provision([Topics.keys, Topics.pins])));
    const topics = await admin.listTopics();
    expect(topics).toEqual(expect.arrayContaining([topicName(Topics.keys, prefix), topicName(Topics.pins, prefix)]));
  });
});
