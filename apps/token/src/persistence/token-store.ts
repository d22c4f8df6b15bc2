import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseServiceConfig } from '@tessera/config';
import { OutboxWriter } from '@tessera/messaging';
import {
  type AuditActor,
  type AuditEntry,
  SchemaStore,
  SERVICE_CONFIG,
  writeAuditEntry,
} from '@tessera/service-runtime';
import { DataSource, type EntityManager } from 'typeorm';

/** Who acted on the token service's data: an API key, or the service's own schedule (no key). */
export type Actor = AuditActor;

/** The token service's database: its schema's tables, its outbox, transactions and the audit log of admin actions. */
@Injectable()
export class TokenStore extends SchemaStore {
  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(OutboxWriter) outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) config: DatabaseServiceConfig,
  ) {
    super(dataSource, outbox, config);
  }

  /** Writes the audit entry of a change in the transaction that makes it. */
  audit(tx: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    return writeAuditEntry(tx, this.table('audit_event'), actor, entry);
  }
}
