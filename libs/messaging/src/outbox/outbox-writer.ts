import {
  type EventCatalog,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
  eventHeaders,
  type NewEvent,
  type TopicDefinition,
  topicName,
} from '@tessera/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { quoteIdentifier } from '../quote-identifier';
import { lockKey, outboxChannel, outboxShard } from './outbox-shard';

/**
 * Writes events into the service's outbox inside the caller's transaction: the event exists if and only if the
 * state change commits. The relay publishes it afterwards. A transaction that appends for several keys locks
 * them in the order it appends: append in a stable order (e.g. sorted keys) to avoid deadlocks with another.
 */
export class OutboxWriter {
  private readonly table: string;
  private readonly keyLockNamespace: number;

  constructor(
    private readonly schema: string,
    private readonly catalog: EventCatalog,
    private readonly producer: string,
    private readonly topicPrefix: string,
  ) {
    this.table = `${quoteIdentifier(schema)}.outbox_event`;
    this.keyLockNamespace = lockKey(`tessera-outbox-key:${schema}`);
  }

  async append<Definition extends EventDefinition>(
    tx: EntityManager,
    definition: Definition,
    event: Omit<NewEvent<Definition>, 'producer'>,
  ): Promise<EventEnvelope<EventData<Definition>>> {
    const envelope = this.catalog.build(definition, { ...event, producer: this.producer });
    await this.insert(
      tx,
      topicName(definition.topic, this.topicPrefix),
      envelope.key,
      envelope.id,
      envelope,
      eventHeaders(envelope),
    );
    return envelope;
  }

  /**
   * An event that is a change of its own (an audit record: no state changes with it), in one statement and its own
   * implicit transaction: the insert and the relay's wake-up commit together, in one round trip instead of five.
   * It takes no per-key lock, so two such events of one key may be published in another order than they committed:
   * for append-only topics whose consumers need no per-key order. Refused for compacted topics.
   */
  async appendUnordered<Definition extends EventDefinition>(
    dataSource: DataSource,
    definition: Definition,
    event: Omit<NewEvent<Definition>, 'producer'>,
  ): Promise<EventEnvelope<EventData<Definition>>> {
    if (definition.topic.cleanupPolicy === 'compact') {
      throw new Error(`${definition.topic.name} is compacted: its events keep per-key order, use append()`);
    }
    const envelope = this.catalog.build(definition, { ...event, producer: this.producer });
    const topic = topicName(definition.topic, this.topicPrefix);
    await dataSource.query(
      `WITH inserted AS (
         INSERT INTO ${this.table} (event_id, topic, message_key, shard, payload, headers)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb) RETURNING 1
       )
       SELECT pg_notify($7, '') FROM inserted`,
      [
        envelope.id,
        topic,
        envelope.key,
        outboxShard(topic, envelope.key),
        JSON.stringify(envelope),
        JSON.stringify(eventHeaders(envelope)),
        outboxChannel(this.schema),
      ],
    );
    return envelope;
  }

  /** A tombstone (null value) deletes the key from a compacted topic once compaction runs. */
  async appendTombstone(tx: EntityManager, topic: TopicDefinition, key: string): Promise<void> {
    if (topic.cleanupPolicy !== 'compact') throw new Error(`tombstones belong on compacted topics, not ${topic.name}`);
    await this.insert(tx, topicName(topic, this.topicPrefix), key, null, null, {});
  }

  private async insert(
    tx: EntityManager,
    topic: string,
    key: string,
    eventId: string | null,
    payload: unknown,
    headers: Record<string, string>,
  ): Promise<void> {
    // Outside a transaction the event would not be atomic with the change, and the key lock below would be
    // released at once: refuse rather than quietly lose both guarantees.
    if (!tx.queryRunner?.isTransactionActive) {
      throw new Error(
        'OutboxWriter needs the transaction of the state change: call it inside dataSource.transaction()',
      );
    }
    // Serialise writers of one key until they commit, so sequence order is commit order for that key and the
    // relay, which publishes in sequence order, keeps per-key order even when transactions overlap.
    await tx.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [
      this.keyLockNamespace,
      lockKey(`${topic}\u0000${key}`),
    ]);
    await tx.query(
      `INSERT INTO ${this.table} (event_id, topic, message_key, shard, payload, headers) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
      [
        eventId,
        topic,
        key,
        outboxShard(topic, key),
        payload === null ? null : JSON.stringify(payload),
        JSON.stringify(headers),
      ],
    );
    // Delivered only if the transaction commits; wakes the relays at once instead of at their next poll.
    await tx.query('SELECT pg_notify($1, $2)', [outboxChannel(this.schema), '']);
  }
}
