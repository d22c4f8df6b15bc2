import {
  FailureKeyUpsertedV1,
  RevocationUpsertedV1,
  SigningKeyUpsertedV1,
  Topics,
  topicName,
} from '@tessera/contracts';
import {
  type EventConsumer,
  type MessagingLogger,
  type PartitionEnds,
  type ViewConsumerOptions,
  viewConsumer,
  defaultViewNodeId,
} from '@tessera/messaging';
import { RevocationIndex } from '../revocation-index';
import { VerificationKeySet } from '../verification-key-set';
import type { Keyring } from '@tessera/sealing';
import type { Kafka } from 'kafkajs';
import { FreshnessProbe } from './freshness-probe';
import { type StalenessPolicy, ViewFreshness } from './view-freshness';

const VIEW_TOPICS = [Topics.keys, Topics.revocations];

/**
 * This node's view of keys and revocations, rebuilt from the beginning of the compacted keys and revocations topics
 * on every start. Each node reads every event: its consumer group is its own (kafkajs has no manual assignment), so
 * a revocation reaches every node by push.
 */
export class VerifierView {
  readonly keys: VerificationKeySet;
  readonly revocations = new RevocationIndex();
  readonly freshness: ViewFreshness<readonly PartitionEnds[]>;
  readonly nodeId: string;
  private readonly nodeIdConfigured: boolean;

  /** `keyring`: the deployment's KEK, which opens HS256 secrets; without it HS256 keys stay unknown here. */
  constructor(
    options: { nodeId?: string | undefined; keyring?: Keyring | undefined; staleness?: StalenessPolicy } = {},
  ) {
    this.keys = new VerificationKeySet(options.keyring);
    this.freshness = new ViewFreshness(options.staleness);
    this.nodeId = options.nodeId ?? defaultViewNodeId();
    this.nodeIdConfigured = options.nodeId !== undefined;
  }

  /** What reads the topics' ends for `freshness`: run it beside the consumer (a BackgroundWorker). */
  freshnessProbe(
    consumer: EventConsumer<undefined>,
    options: { kafka: Kafka; topicPrefix: string; logger: MessagingLogger; intervalMs?: number },
  ): FreshnessProbe {
    return new FreshnessProbe({
      kafka: options.kafka,
      topics: VIEW_TOPICS.map((topic) => topicName(topic, options.topicPrefix)),
      freshness: this.freshness,
      lagBehind: (ends) => consumer.lagBehind(ends),
      logger: options.logger,
      intervalMs: options.intervalMs,
    });
  }

  consumer(options: ViewConsumerOptions): EventConsumer<undefined> {
    return viewConsumer({
      ...options,
      nodeIdConfigured: this.nodeIdConfigured,
      groupId: `${options.topicPrefix}tessera-verifier-${this.nodeId}`,
      topics: VIEW_TOPICS,
    })
      .on(SigningKeyUpsertedV1, (event) => {
        this.keys.applySigningKey(event.tenant, event.data);
        return Promise.resolve();
      })
      .on(FailureKeyUpsertedV1, (event) => {
        this.keys.applyFailureKey(event.data);
        return Promise.resolve();
      })
      .on(RevocationUpsertedV1, (event) => {
        this.revocations.upsert(event.tenant, event.data);
        return Promise.resolve();
      })
      .onTombstone(Topics.keys, ({ key }) => {
        this.keys.forget(key);
        return Promise.resolve();
      })
      .onTombstone(Topics.revocations, ({ key }) => {
        const revocationId = /\/revocation\/([0-9a-f-]{36})$/.exec(key)?.[1];
        if (revocationId) this.revocations.lift(revocationId);
        return Promise.resolve();
      });
  }
}
