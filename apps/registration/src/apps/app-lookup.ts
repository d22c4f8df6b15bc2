import { NotFoundException } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { quoteIdentifier } from '@tessera/messaging';
import type { EntityManager } from 'typeorm';
import { APP_COLUMNS, type AppView } from './app.view';

/**
 * The app, if the principal may see it: admins see every app of their tenant, developers their own team's.
 * Anything else is 404 `no such app`, exactly as an id that never existed. `lock` takes a row lock for a change.
 */
const ROW_LOCKS = { share: 'FOR SHARE', 'no-key-update': 'FOR NO KEY UPDATE', update: 'FOR UPDATE' } as const;

export async function findVisibleApp(
  tx: EntityManager,
  schema: string,
  principal: Principal,
  appId: string,
  lock: 'share' | 'no-key-update' | 'update' | null = null,
): Promise<AppView> {
  const rows = await tx.query<AppView[]>(
    `SELECT ${APP_COLUMNS} FROM ${quoteIdentifier(schema)}.app
     WHERE tenant_id = $1 AND id = $2 AND ($3::uuid IS NULL OR team_id = $3::uuid)
     ${lock === null ? '' : ROW_LOCKS[lock]}`,
    [principal.tenantId, appId, visibleTeam(principal)],
  );
  if (!rows[0]) throw new NotFoundException('no such app');
  return rows[0];
}

/** The one team whose resources the principal sees, or null for all of the tenant's. */
export function visibleTeam(principal: Principal): string | null {
  return principal.role === 'admin' ? null : principal.teamId;
}
