import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { DatabaseServiceConfig } from '@tessera/config';
import type { TopicDefinition } from '@tessera/contracts';
import { OutboxWriter } from '@tessera/messaging';
import { SchemaStore, SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, type AuditEntry, recordAudit } from '../audit/audit-log';
import { isForeignKeyViolation } from './sql';

/**
 * The registration service's database as every area uses it: its schema, its outbox, and its audit log, which a
 * change writes to in the transaction that makes it.
 */
@Injectable()
export class RegistryStore extends SchemaStore {
  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(OutboxWriter) outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) config: DatabaseServiceConfig,
  ) {
    super(dataSource, outbox, config);
  }

  /** Writes the audit entry of a change in the transaction that makes it. */
  audit(tx: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    return recordAudit(tx, this.schema, actor, entry);
  }

  /** The end of something published (deleted, lifted, expired): its tombstone and its audit entry (`after: null`). */
  async publishRemoval(
    tx: EntityManager,
    actor: Actor,
    removal: { topic: TopicDefinition; key: string } & Pick<AuditEntry, 'action' | 'target' | 'before'>,
  ): Promise<void> {
    await this.outbox.appendTombstone(tx, removal.topic, removal.key);
    await this.audit(tx, actor, {
      action: removal.action,
      target: removal.target,
      before: removal.before,
      after: null,
    });
  }

  /**
   * The tenant's row of a table with this id, locked for a change with `lock`; 404 `notFound` if there is none
   * (another tenant's row reads as one that never existed).
   */
  async findTenantRow<Row>(
    tx: EntityManager,
    rows: { table: string; columns: string; notFound: string },
    tenantId: string,
    id: string,
    lock = false,
  ): Promise<Row> {
    const found = await tx.query<Row[]>(
      `SELECT ${rows.columns} FROM ${this.table(rows.table)}
       WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [tenantId, id],
    );
    if (!found[0]) throw new NotFoundException(rows.notFound);
    return found[0];
  }

  /** Deletes the tenant's row with this id; one that other rows still reference is 409 `whileReferenced`. */
  async deleteTenantRow(
    tx: EntityManager,
    table: string,
    tenantId: string,
    id: string,
    whileReferenced?: string,
  ): Promise<void> {
    try {
      await tx.query(`DELETE FROM ${this.table(table)} WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    } catch (error) {
      if (whileReferenced === undefined || !isForeignKeyViolation(error)) throw error;
      throw new ConflictException(whileReferenced);
    }
  }
}
