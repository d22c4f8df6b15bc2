import type { EntityManager } from 'typeorm';

/** Who changed a service's data: an API key, or the service's own schedule (no key). */
export interface AuditActor {
  tenantId: string;
  keyId: string | null;
}

/** One change, as the audit log keeps it: what was done, to what, and the state before and after. */
export interface AuditEntry {
  action: string;
  target: { kind: string; id: string };
  before: unknown;
  after: unknown;
}

/** The audit log's table (and its index) in a service's schema; `quotedSchema` as schemaOf() gives it. */
export function auditEventTable(quotedSchema: string): string[] {
  return [
    `CREATE TABLE ${quotedSchema}.audit_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id text NOT NULL,
        actor_key_id text,
        action text NOT NULL,
        target_kind text NOT NULL,
        target_id text NOT NULL,
        before jsonb,
        after jsonb,
        at timestamptz NOT NULL DEFAULT now()
      )`,
    `CREATE INDEX audit_event_tenant_idx ON ${quotedSchema}.audit_event (tenant_id, id DESC)`,
  ];
}

/** Writes an audit entry into `table` in the transaction that makes the change, so both commit or neither. */
export async function writeAuditEntry(
  tx: EntityManager,
  table: string,
  actor: AuditActor,
  entry: AuditEntry,
): Promise<void> {
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  await tx.query(
    `INSERT INTO ${table} (tenant_id, actor_key_id, action, target_kind, target_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
    [
      actor.tenantId,
      actor.keyId,
      entry.action,
      entry.target.kind,
      entry.target.id,
      json(entry.before),
      json(entry.after),
    ],
  );
}
