import { type EventData, RevocationUpsertedV1 } from '@tessera/contracts';

export type RevocationSubjectKind = 'device' | 'installation' | 'registration' | 'token';

/** A revocation as the admin API shows it. */
export interface RevocationView {
  id: string;
  subject: { kind: RevocationSubjectKind; value: string };
  reason: string | null;
  createdAt: Date;
  /** null: until lifted. */
  expiresAt: Date | null;
  /** `expired` from expiresAt on, whether or not the sweeper has published it yet. */
  status: 'active' | 'expired';
  /** The API key that revoked it. */
  createdByKeyId: string | null;
}

export const REVOCATION_COLUMNS = `id, json_build_object('kind', subject_kind, 'value', subject_value) AS subject,
  reason, created_at AS "createdAt", expires_at AS "expiresAt",
  CASE WHEN expires_at <= now() THEN 'expired' ELSE 'active' END AS status,
  created_by_key_id AS "createdByKeyId"`;

/** The event of a revocation in force. */
export function revocationEventData(revocation: RevocationView): EventData<typeof RevocationUpsertedV1> {
  return {
    revocationId: revocation.id,
    subject: revocation.subject,
    ...(revocation.reason === null ? {} : { reason: revocation.reason }),
    createdAt: revocation.createdAt.toISOString(),
    expiresAt: revocation.expiresAt?.toISOString() ?? null,
  };
}

/** The revocation's key on the revocations topic (where its tombstone goes). */
export function revocationKey(tenantId: string, revocation: RevocationView): string {
  return RevocationUpsertedV1.key(tenantId, revocationEventData(revocation));
}

/** The audit summary of a revocation. */
export function revocationSummary(revocation: RevocationView): Record<string, unknown> {
  return { subject: revocation.subject, reason: revocation.reason, expiresAt: revocation.expiresAt };
}
