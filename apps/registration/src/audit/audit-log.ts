import type { Principal } from '@tessera/access';
import { quoteIdentifier } from '@tessera/messaging';
import type { EntityManager } from 'typeorm';

export interface AuditEntry {
  action: string;
  target: { kind: string; id: string };
  before: unknown;
  after: unknown;
}

/** Who acted: an API key, or the operator's bootstrap command (no key). */
export type Actor = Pick<Principal, 'tenantId' | 'keyId' | 'teamId'> | { tenantId: string; keyId: null; teamId: null };

/** Writes one audit entry in the caller's transaction, so the entry exists if and only if the change does. */
export async function recordAudit(tx: EntityManager, schema: string, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO ${quoteIdentifier(schema)}.audit_event
       (tenant_id, actor_key_id, actor_team_id, action, target_kind, target_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`,
    [
      actor.tenantId,
      actor.keyId,
      actor.teamId,
      entry.action,
      entry.target.kind,
      entry.target.id,
      entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before),
      entry.after === undefined || entry.after === null ? null : JSON.stringify(entry.after),
    ],
  );
}
