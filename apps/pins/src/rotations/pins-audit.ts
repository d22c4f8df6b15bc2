import type { EntityManager } from 'typeorm';
import type { PinsStore } from '../persistence/pins-store';

/** Who changed the pins service's data: an API key, or the service's own schedule (no key). */
export interface Actor {
  tenantId: string;
  keyId: string | null;
}

export interface AuditEntry {
  action:
    | 'rotation.planned'
    | 'rotation.published'
    | 'rotation.publish-refused'
    | 'rotation.retired'
    | 'rotation.cancelled'
    | 'domain.emergency-replaced';
  target: { kind: 'pin-rotation' | 'protected-domain'; id: string };
  before: unknown;
  after: unknown;
}

/** Writes the audit entry of a change in the transaction that makes it (the token service's shape). */
export async function writeAudit(store: PinsStore, tx: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO ${store.table('audit_event')} (tenant_id, actor_key_id, action, target_kind, target_id, before, after)
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
