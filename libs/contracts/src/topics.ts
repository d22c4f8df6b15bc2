/**
 * The topic registry: every Kafka topic Tessera uses, with the configuration it is provisioned with.
 * State streams are compacted and keyed by entity, so a new node rebuilds its view by reading from the beginning;
 * the attestation stream and the dead-letter topic keep events for a time instead.
 * A topic name carries its major version (`.v1`): a new version is a new topic (see docs/event-contracts.md).
 */
export type CleanupPolicy = 'compact' | 'delete';

export interface TopicDefinition {
  /** Name without the deployment's KAFKA_TOPIC_PREFIX. */
  readonly name: string;
  readonly cleanupPolicy: CleanupPolicy;
  readonly partitions: number;
  /** What the message key is: every event of one key lands on one partition, in order. */
  readonly key: string;
  readonly retentionMs?: number;
  readonly description: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const Topics = {
  registry: {
    name: 'tessera.registry.v1',
    cleanupPolicy: 'compact',
    partitions: 6,
    key: '<tenant>/<entity kind>/<entity id>',
    description: 'tenants, teams, apps, registrations (app builds) and secure strings, as their latest state',
  },
  policies: {
    name: 'tessera.policies.v1',
    cleanupPolicy: 'compact',
    partitions: 3,
    key: '<tenant>/<entity kind>/<entity id>',
    description: 'security policies and device overrides, as their latest state',
  },
  revocations: {
    name: 'tessera.revocations.v1',
    cleanupPolicy: 'compact',
    partitions: 3,
    key: '<tenant>/revocation/<revocation id>',
    description: 'revoked devices, installations, registrations and tokens; a tombstone lifts one',
  },
  keys: {
    name: 'tessera.keys.v1',
    cleanupPolicy: 'compact',
    partitions: 1,
    key: '<tenant>/key/<kid>; failure-token keys system/failure-key/<kid>',
    description: 'token-signing keys (public parts) and their lifecycle state; failure-token keys, never trusted',
  },
  pins: {
    name: 'tessera.pins.v1',
    cleanupPolicy: 'compact',
    partitions: 3,
    key: '<tenant>/<entity kind>/<entity id>',
    description: 'protected API domains, pin sets and rotations, as their latest state',
  },
  tokens: {
    name: 'tessera.tokens.v1',
    cleanupPolicy: 'delete',
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    key: '<tenant>/<app id>',
    description: 'every token issued (valid or failure), for audit and metrics (append-only)',
  },
  tokenRequests: {
    name: 'tessera.token-requests.v1',
    cleanupPolicy: 'delete',
    partitions: 6,
    // A request is worth answering for seconds; an hour is room for an operator to look at a backlog.
    retentionMs: 60 * 60 * 1000,
    key: '<tenant>/<app id>',
    description: 'requests for tokens (integrity asks the token service); each carries its reply address',
  },
  tokenReplies: {
    name: 'tessera.token-replies.v1',
    cleanupPolicy: 'delete',
    partitions: 6,
    retentionMs: 60 * 60 * 1000,
    key: '<requester instance id>',
    description: 'replies to token requests, routed to the requesting instance by header and correlation id',
  },
  attestations: {
    name: 'tessera.attestations.v1',
    cleanupPolicy: 'delete',
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    key: '<tenant>/<app id>',
    description: 'every attestation verdict, for audit and metrics (append-only)',
  },
  pinViolations: {
    name: 'tessera.pin-violations.v1',
    cleanupPolicy: 'delete',
    partitions: 3,
    // Reports are kept in the pins service's table; the stream is for alerting and audit consumers.
    retentionMs: 14 * DAY_MS,
    key: '<tenant>/<app id>',
    description: 'pin-violation reports from the SDK: a host served a chain without the expected pins (append-only)',
  },
  deadLetter: {
    name: 'tessera.dead-letter.v1',
    cleanupPolicy: 'delete',
    partitions: 1,
    retentionMs: 14 * DAY_MS,
    key: 'the original message key',
    description: 'messages a consumer could not accept, with the reason in headers; the original bytes as value',
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicId = keyof typeof Topics;

export const ALL_TOPICS: readonly TopicDefinition[] = Object.values(Topics);

/** The name a topic has in one deployment: KAFKA_TOPIC_PREFIX lets several environments share a cluster. */
export function topicName(topic: TopicDefinition, prefix: string): string {
  return `${prefix}${topic.name}`;
}

/** Broker-side configuration a topic is created with. */
export function topicConfigEntries(topic: TopicDefinition): { name: string; value: string }[] {
  const entries: { name: string; value: string }[] = [{ name: 'cleanup.policy', value: topic.cleanupPolicy }];
  if (topic.retentionMs !== undefined) entries.push({ name: 'retention.ms', value: String(topic.retentionMs) });
  if (topic.cleanupPolicy === 'compact') {
    // Tombstones stay a day so a consumer that was briefly away still sees the deletion.
    entries.push({ name: 'delete.retention.ms', value: String(DAY_MS) });
  }
  return entries;
}
