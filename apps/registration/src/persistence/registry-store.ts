import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseServiceConfig } from '@tessera/config';
import { OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, type AuditEntry, recordAudit } from '../audit/audit-log';

/**
 * The registration service's database as every area uses it: its schema, its outbox, and its audit log, which a
 * change writes to in the transaction that makes it.
 */
@Injectable()
export class RegistryStore {
  /** The service's schema as configured, for helpers that take it (`findVisibleApp`, `insertApiKey`). */
  readonly schema: string;
  private readonly quotedSchema: string;

  constructor(
    @Inject(DataSource) readonly dataSource: DataSource,
    @Inject(OutboxWriter) readonly outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) config: DatabaseServiceConfig,
  ) {
    this.schema = config.DATABASE_SCHEMA;
    this.quotedSchema = quoteIdentifier(config.DATABASE_SCHEMA);
  }

  /** A table of the service's schema, as SQL text: `table('team')` is `"<schema>".team`. */
  table(name: string): string {
    return `${this.quotedSchema}.${name}`;
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Writes the audit entry of a change in the transaction that makes it. */
  audit(tx: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    return recordAudit(tx, this.schema, actor, entry);
  }
}
