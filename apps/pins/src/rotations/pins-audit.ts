import { type AuditActor, type AuditEntry, writeAuditEntry } from '@tessera/service-runtime';
import type { EntityManager } from 'typeorm';
import type { PinsStore } from '../persistence/pins-store';

/** Who changed the pins service's data: an API key, or the service's own schedule (no key). */
export type Actor = AuditActor;

/** The pins service's audited changes. */
export interface PinsAuditEntry extends AuditEntry {
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

/** Writes the audit entry of a change in the transaction that makes it. */
export function writeAudit(store: PinsStore, tx: EntityManager, actor: Actor, entry: PinsAuditEntry): Promise<void> {
  return writeAuditEntry(tx, store.table('audit_event'), actor, entry);
}
