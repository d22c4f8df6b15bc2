import type { Role } from '@tessera/access';

/** An API key as the admin API shows it: never its secret or hash. */
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

export const KEY_COLUMNS = `id, name, role, team_id AS "teamId", created_at AS "createdAt", expires_at AS "expiresAt",
  revoked_at AS "revokedAt", last_used_at AS "lastUsedAt"`;

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
