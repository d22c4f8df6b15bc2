import type { TopicDefinition } from '@tessera/contracts';
import type { EntityManager } from 'typeorm';
import type { RegistryStore } from '../persistence/registry-store';
import { type ExpiringEntity, expiryActor } from './expiring-entity';

/** Rows swept per transaction. */
const BATCH = 500;

/** What sets one table of expiring rows apart from another; the sweep is the same for all. */
export interface ExpiringTable<Row extends { id: string; tenantId: string }, Entity extends { id: string }> {
  /** As in audit targets (the action is `<kind>.expire`) and metrics. */
  readonly kind: string;
  /** A table of the service's schema with `expires_at` and `expiry_published_at` columns. */
  readonly table: string;
  /** The alias `columns` qualify the table with (`o` for `device_override AS o`), if they do. */
  readonly alias?: string;
  /** The columns of a row, `tenantId` among them. */
  readonly columns: string;
  readonly entity: (row: Row) => Entity;
  /** The compacted topic the entity is published on: its tombstone goes there, on `key`. */
  readonly topic: TopicDefinition;
  readonly key: (tenantId: string, entity: Entity) => string;
  /** The audit entry's `before`. */
  readonly summary: (entity: Entity) => unknown;
}

/**
 * Publishes the end of a table's expired rows: a tombstone on each one's key, a `<kind>.expire` audit entry, and
 * `expiry_published_at`, which takes the row out of the next sweep. One transaction per batch of rows locked
 * `FOR UPDATE SKIP LOCKED`, so several instances can sweep at once. The rows stay (listed as expired).
 */
export class TableExpiry<
  Row extends { id: string; tenantId: string },
  Entity extends { id: string },
> implements ExpiringEntity {
  readonly kind: string;

  constructor(
    private readonly store: RegistryStore,
    private readonly expiring: ExpiringTable<Row, Entity>,
  ) {
    this.kind = expiring.kind;
  }

  async sweep(now: Date): Promise<number> {
    let swept = 0;
    for (;;) {
      const batch = await this.store.transaction((tx) => this.sweepBatch(tx, now));
      swept += batch;
      if (batch < BATCH) return swept;
    }
  }

  /** Ends one expired entity in the caller's transaction (its row locked), as the sweep would. */
  publishEnd(tx: EntityManager, tenantId: string, entity: Entity): Promise<void> {
    return this.publishEnds(tx, [{ tenantId, entity }]);
  }

  private async sweepBatch(tx: EntityManager, now: Date): Promise<number> {
    const { table, alias, columns } = this.expiring;
    const rows = await tx.query<Row[]>(
      `SELECT ${columns} FROM ${this.store.table(table)}${alias ? ` AS ${alias}` : ''}
       WHERE expires_at <= $1 AND expiry_published_at IS NULL
       ORDER BY expires_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      [now],
    );
    await this.publishEnds(
      tx,
      rows.map((row) => ({ tenantId: row.tenantId, entity: this.expiring.entity(row) })),
    );
    return rows.length;
  }

  private async publishEnds(tx: EntityManager, expired: { tenantId: string; entity: Entity }[]): Promise<void> {
    if (expired.length === 0) return;
    const { kind, table, topic, key, summary } = this.expiring;
    // Outbox keys are locked in the order they are appended: a stable order avoids deadlocks.
    const ends = expired
      .map(({ tenantId, entity }) => ({ tenantId, entity, key: key(tenantId, entity) }))
      .sort((a, b) => compare(a.key, b.key));
    for (const end of ends) {
      await this.store.publishRemoval(tx, expiryActor(end.tenantId), {
        topic,
        key: end.key,
        action: `${kind}.expire`,
        target: { kind, id: end.entity.id },
        before: summary(end.entity),
      });
    }
    await tx.query(`UPDATE ${this.store.table(table)} SET expiry_published_at = now() WHERE id = ANY($1::uuid[])`, [
      ends.map((end) => end.entity.id),
    ]);
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
