/** One entry of the audit log as the admin API shows it. */
export interface AuditEventView {
  id: string;
  at: Date;
  actor: { keyId: string | null; teamId: string | null };
  action: string;
  target: { kind: string; id: string };
  before: unknown;
  after: unknown;
}

export const AUDIT_COLUMNS = `id::text AS id, at, json_build_object('keyId', actor_key_id, 'teamId', actor_team_id) AS actor,
  action, json_build_object('kind', target_kind, 'id', target_id) AS target, before, after`;
