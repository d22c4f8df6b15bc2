import type { DomainPin, EventData, ProtectedDomainUpsertedV1 } from '@tessera/contracts';
import { type CertificateExpiry, certificateExpiry } from '@tessera/pins';

export interface DomainRow {
  id: string;
  pattern: string;
  port: number;
  mode: 'pinned' | 'managed-trust';
  app_ids: string[] | null;
  pins: DomainPin[];
  revision: number;
  created_at: Date;
  updated_at: Date;
}

/** A protected domain as its event carries it (and the admin API answers it, with `id`). */
export function domainView(row: DomainRow): EventData<typeof ProtectedDomainUpsertedV1> & { id: string } {
  return {
    id: row.id,
    domainId: row.id,
    pattern: row.pattern,
    port: row.port,
    mode: row.mode,
    appIds: row.app_ids,
    pins: row.pins,
    revision: row.revision,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** What the admin API answers for a domain: its state, and when the soonest of its pinned certificates expires. */
export function domainAnswer(
  row: DomainRow,
  now = new Date(),
): ReturnType<typeof domainView> & { certificateExpiry: CertificateExpiry | null } {
  return { ...domainView(row), certificateExpiry: certificateExpiry(row.pins, now) ?? null };
}
