import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseServiceConfig } from '@tessera/config';
import { OutboxWriter } from '@tessera/messaging';
import { SchemaStore, SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource, type EntityManager } from 'typeorm';

/** Who acted on the token service's data: an API key, or the service's own schedule (no key). */
export interface Actor {
  tenantId: string;
  keyId: string | null;
}

export interface AuditEntry {
  action: string;
  target: { kind: string; id: string };
  before: unknown;
  after: unknown;
}

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
  async audit(tx: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.table('audit_event')} (tenant_id, actor_key_id, action, target_kind, target_id, before, after)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
      [
        actor.tenantId,
        actor.keyId,
        entry.action,
        entry.target.kind,
        entry.target.id,
        entry.before === null || entry.before === undefined ? null : JSON.stringify(entry.before),
        entry.after === null || entry.after === undefined ? null : JSON.stringify(entry.after),
      ],
    );
  }
}
