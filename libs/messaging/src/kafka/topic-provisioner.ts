import { type Admin, ConfigResourceTypes, ConfigSource } from 'kafkajs';
import { type TopicDefinition, topicConfigEntries, topicName } from '@tessera/contracts';
import { sleep } from '@tessera/timing';
import type { MessagingLogger } from '../logger';

/** How long newly created topics may take to have a leader for every partition. */
const LEADER_WAIT_MS = 30_000;
/** Errors a just-created topic answers metadata requests with until the controller has propagated it. */
const NOT_YET_THERE = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/** The cluster holds a topic the registry cannot be reconciled with automatically; an operator must decide. */
export class TopicRegistryConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopicRegistryConflict';
  }
}

export interface ProvisionResult {
  created: string[];
  updated: string[];
  unchanged: string[];
}

/**
 * Makes the cluster hold the registry's topics with the registry's settings: creates missing topics, brings the
 * cleanup policy and retention of existing ones in line (keeping other topic settings), and adds partitions to
 * append-only topics when the registry asks for more. It never removes anything, and refuses to re-partition a
 * compacted topic.
 */
export class TopicProvisioner {
  constructor(
    private readonly admin: Admin,
    private readonly prefix: string,
    private readonly replicationFactor: number,
    private readonly logger: MessagingLogger,
  ) {}

  async provision(topics: readonly TopicDefinition[]): Promise<ProvisionResult> {
    const result: ProvisionResult = { created: [], updated: [], unchanged: [] };
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(topicName(t, this.prefix)));
    if (missing.length > 0) {
      await this.admin.createTopics({
        // kafkajs' own wait retries only LEADER_NOT_AVAILABLE, while a KRaft broker under load can first answer
        // UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created: wait here, tolerating both.
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: topicName(t, this.prefix),
          numPartitions: t.partitions,
          replicationFactor: this.replicationFactor,
          configEntries: topicConfigEntries(t),
        })),
      });
      await this.waitForLeaders(missing);
      // Another instance may have created some of them concurrently; either way they exist now.
      result.created.push(...missing.map((t) => topicName(t, this.prefix)));
    }
    const present = topics.filter((t) => existing.has(topicName(t, this.prefix)));
    if (present.length > 0) await this.reconcile(present, result);
    if (result.created.length > 0 || result.updated.length > 0) {
      this.logger.info({ created: result.created, updated: result.updated }, 'kafka topics provisioned');
    }
    return result;
  }

  /** Until every partition of `topics` has a leader, so what comes next (produce, fetch offsets) finds them. */
  private async waitForLeaders(topics: readonly TopicDefinition[]): Promise<void> {
    const names = topics.map((t) => topicName(t, this.prefix));
    const deadline = Date.now() + LEADER_WAIT_MS;
    for (;;) {
      try {
        const metadata = await this.admin.fetchTopicMetadata({ topics: names });
        const ready = topics.every((topic) => {
          const partitions = metadata.topics.find((m) => m.name === topicName(topic, this.prefix))?.partitions ?? [];
          return partitions.length >= topic.partitions && partitions.every((p) => p.leader >= 0);
        });
        if (ready) return;
      } catch (error) {
        if (!NOT_YET_THERE.has((error as { type?: string }).type ?? '')) throw error;
      }
      if (Date.now() > deadline)
        throw new Error(`topics ${names.join(', ')} have no leader after ${LEADER_WAIT_MS} ms`);
      await sleep(100);
    }
  }

  private async reconcile(topics: readonly TopicDefinition[], result: ProvisionResult): Promise<void> {
    const metadata = await this.admin.fetchTopicMetadata({ topics: topics.map((t) => topicName(t, this.prefix)) });
    const described = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: topicName(t, this.prefix) })),
    });
    for (const topic of topics) {
      const name = topicName(topic, this.prefix);
      let changed = false;
      const partitions = metadata.topics.find((m) => m.name === name)?.partitions.length ?? 0;
      if (partitions < topic.partitions) {
        if (topic.cleanupPolicy === 'compact') {
          // More partitions would move keys: old and new records of one key in different partitions, which
          // compaction cannot reconcile and a rebuilding consumer would apply in no fixed order.
          throw new TopicRegistryConflict(
            `${name} has ${partitions} partitions and the registry asks for ${topic.partitions}; a compacted topic is ` +
              'never re-partitioned in place: publish a new topic version (see docs/event-contracts.md)',
          );
        }
        await this.admin.createPartitions({ topicPartitions: [{ topic: name, count: topic.partitions }] });
        changed = true;
      }
      const current = described.resources.find((r) => r.resourceName === name)?.configEntries ?? [];
      const wanted = topicConfigEntries(topic);
      const drift = wanted.filter((w) => current.find((c) => c.configName === w.name)?.configValue !== w.value);
      if (drift.length > 0) {
        // alterConfigs replaces the topic's whole dynamic config: keep what operators set on the topic
        // (min.insync.replicas, max.message.bytes, ...) and change only the entries the registry owns.
        const kept = current
          .filter((c) => c.configSource === ConfigSource.TOPIC_CONFIG && !c.isSensitive)
          .filter((c) => !wanted.some((w) => w.name === c.configName))
          .map((c) => ({ name: c.configName, value: c.configValue }));
        await this.admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: [...kept, ...wanted] }],
        });
        this.logger.warn(
          { topic: name, drift: drift.map((d) => d.name) },
          'kafka topic config differed from the registry; corrected',
        );
        changed = true;
      }
      (changed ? result.updated : result.unchanged).push(name);
    }
  }
}
