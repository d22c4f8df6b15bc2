import type { Role } from '@tessera/access';

/** What the admin API returns; secrets and hashes never appear here. */
export interface TenantView {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  createdAt: Date;
  updatedAt: Date;
}

export interface TeamView {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  teamId: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface AuditEventView {
  id: string;
  at: Date;
  actor: { keyId: string | null; teamId: string | null };
  action: string;
  target: { kind: string; id: string };
  before: unknown;
  after: unknown;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const TENANT_COLUMNS = `id, name, status, created_at AS "createdAt", updated_at AS "updatedAt"`;
export const TEAM_COLUMNS = `id, name, description, created_at AS "createdAt", updated_at AS "updatedAt"`;
export const KEY_COLUMNS = `id, name, role, team_id AS "teamId", created_at AS "createdAt", expires_at AS "expiresAt",
  revoked_at AS "revokedAt", last_used_at AS "lastUsedAt"`;
export const AUDIT_COLUMNS = `id::text AS id, at, json_build_object('keyId', actor_key_id, 'teamId', actor_team_id) AS actor,
  action, json_build_object('kind', target_kind, 'id', target_id) AS target, before, after`;

/** The audit summary of a key: what it is, never its secret or hash. */
export function keySummary(key: ApiKeyView): Record<string, unknown> {
  return {
    name: key.name,
    role: key.role,
    teamId: key.teamId,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
  };
}
