import type { DataSource, EntityManager } from 'typeorm';
import { quoteIdentifier } from '../quote-identifier';
import { RecentIds } from './recent-ids';

/**
 * Makes consumers idempotent: `runOnce` applies `work` for an event id at most once per consumer. Kafka delivers
 * at least once (and the outbox may republish after a crash), so every consumer goes through one of these.
 */
export interface ProcessedEvents<Tx> {
  runOnce(consumer: string, eventId: string, work: (tx: Tx) => Promise<void>): Promise<'applied' | 'duplicate'>;
}

/**
 * For services with a database: the event id is recorded in the same transaction as the state change it caused,
 * so a crash leaves either both or neither.
 */
export class PostgresProcessedEvents implements ProcessedEvents<EntityManager> {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = `${quoteIdentifier(schema)}.processed_event`;
  }

  async runOnce(
    consumer: string,
    eventId: string,
    work: (tx: EntityManager) => Promise<void>,
  ): Promise<'applied' | 'duplicate'> {
    return this.dataSource.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO ${this.table} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, eventId],
      );
      if (inserted.length === 0) return 'duplicate';
      await work(tx);
      return 'applied';
    });
  }

  /**
   * Forgets event ids older than `days`. Redeliveries come within minutes (rebalances, an outbox batch
   * republished after a crash); a consumer that re-reads a state topic from the beginning re-applies latest-state
   * events, which handlers of state topics apply idempotently anyway. Returns how many ids were forgotten.
   */
  async purgeOlderThan(days: number): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM ${this.table} WHERE processed_at < now() - make_interval(days => $1)`,
      [days],
    );
    return result[1];
  }
}

/**
 * For services that keep nothing durable (the verifier rebuilds its view from Kafka on every start): remembers
 * the most recent `capacity` event ids of each consumer, which covers redelivery after a rebalance or an outbox
 * republish (a batch sent again after a relay crash comes within minutes of the original).
 */
export class InMemoryProcessedEvents implements ProcessedEvents<undefined> {
  private readonly byConsumer = new Map<string, RecentIds>();

  constructor(private readonly capacity = 100_000) {}

  async runOnce(
    consumer: string,
    eventId: string,
    work: (tx: undefined) => Promise<void>,
  ): Promise<'applied' | 'duplicate'> {
    let seen = this.byConsumer.get(consumer);
    if (!seen) {
      seen = new RecentIds(this.capacity);
      this.byConsumer.set(consumer, seen);
    }
    if (seen.has(eventId)) return 'duplicate';
    await work(undefined);
    seen.add(eventId);
    return 'applied';
  }
}

/**
 * For consumers whose handlers set state, so that applying an event twice leaves what applying it once did (the
 * verifier's view: an upsert replaces, a tombstone lifts). Kafka redelivers in order from the last committed offset,
 * so a redelivered event is followed again by everything after it. Remembering ids would cost such a consumer more
 * than it saves: a third of a million-revocation rebuild went to it.
 */
export class ApplyEveryDelivery implements ProcessedEvents<undefined> {
  async runOnce(
    _consumer: string,
    _eventId: string,
    work: (tx: undefined) => Promise<void>,
  ): Promise<'applied' | 'duplicate'> {
    await work(undefined);
    return 'applied';
  }
}
