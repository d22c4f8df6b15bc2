import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { ApiKeyGuard, CurrentPrincipal, query, Requires } from '@tessera/service-runtime';
import { z } from 'zod';
import { TokenStore } from '../persistence/token-store';

const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,17}$/, 'expected a cursor from nextCursor')
    .optional(),
  action: z
    .string()
    .regex(/^[a-z_-]+\.[a-z_-]+$/, 'expected an action such as signing-key.rotate')
    .optional(),
});

interface AuditEntryView {
  id: string;
  at: Date;
  actor: { keyId: string | null };
  action: string;
  target: { kind: string; id: string };
  before: unknown;
  after: unknown;
}

/**
 * The token service's audit log of the caller's tenant, newest first: rotations, revocations, settings changes and
 * secret exports, each written in the transaction of its change.
 */
@Controller('v1/audit')
@UseGuards(ApiKeyGuard)
export class TokenAuditController {
  constructor(@Inject(TokenStore) private readonly store: TokenStore) {}

  @Get()
  @Requires('audit:read')
  async list(@CurrentPrincipal() principal: Principal, @Query(query(AuditQuery)) q: z.output<typeof AuditQuery>) {
    const rows = await this.store.dataSource.query<AuditEntryView[]>(
      `SELECT id::text AS id, at, json_build_object('keyId', actor_key_id) AS actor, action,
         json_build_object('kind', target_kind, 'id', target_id) AS target, before, after
       FROM ${this.store.table('audit_event')}
       WHERE tenant_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint) AND ($3::text IS NULL OR action = $3)
       ORDER BY audit_event.id DESC LIMIT $4`,
      [principal.tenantId, q.cursor ?? null, q.action ?? null, q.limit + 1],
    );
    const items = rows.slice(0, q.limit);
    return { items, nextCursor: rows.length > q.limit ? (items.at(-1)?.id ?? null) : null };
  }
}
