import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { keyScopeProblem, type Principal, type Role } from '@tessera/access';
import type { EntityManager } from 'typeorm';
import type { Page } from '../persistence/page';
import { RegistryStore } from '../persistence/registry-store';
import { pageOf, returned } from '../persistence/sql';
import { KEY_COLUMNS, type ApiKeyView, keySummary } from './api-key.view';
import { insertApiKey } from './insert-api-key';
import { publishApiKeys } from './publish-api-key';

/**
 * API keys of the caller's tenant: created (shown once), listed, revoked. Each change publishes the key's hash, role,
 * team and validity as `api-key.upserted` (never the key), so other services can authenticate callers themselves.
 */
@Injectable()
export class ApiKeysService {
  constructor(@Inject(RegistryStore) private readonly store: RegistryStore) {}

  async list(
    principal: Principal,
    query: { limit: number; cursor?: string | undefined; teamId?: string | undefined },
  ): Promise<Page<ApiKeyView>> {
    const rows = await this.store.dataSource.query<ApiKeyView[]>(
      `SELECT ${KEY_COLUMNS} FROM ${this.store.table('api_key')}
       WHERE tenant_id = $1 AND ($2::text IS NULL OR id > $2) AND ($3::uuid IS NULL OR team_id = $3::uuid)
       ORDER BY id LIMIT $4`,
      [principal.tenantId, query.cursor ?? null, query.teamId ?? null, query.limit + 1],
    );
    return pageOf(rows, query.limit);
  }

  async get(principal: Principal, keyId: string): Promise<ApiKeyView> {
    return this.find(this.store.dataSource.manager, principal.tenantId, keyId);
  }

  async create(
    principal: Principal,
    input: { name: string; role: Role; teamId?: string | undefined; expiresAt?: Date | undefined },
  ): Promise<ApiKeyView & { key: string }> {
    const problem = keyScopeProblem(input.role, input.teamId);
    if (problem) throw new BadRequestException({ statusCode: 400, message: problem });
    return this.store.transaction(async (tx) => {
      if (input.teamId) {
        const team = await tx.query<unknown[]>(
          `SELECT id FROM ${this.store.table('team')} WHERE tenant_id = $1 AND id = $2 FOR SHARE`,
          [principal.tenantId, input.teamId],
        );
        if (team.length === 0) throw new BadRequestException({ statusCode: 400, message: 'teamId: no such team' });
      }
      const { view, secret } = await insertApiKey(tx, this.store.outbox, this.store.schema, {
        tenantId: principal.tenantId,
        teamId: input.teamId ?? null,
        role: input.role,
        name: input.name,
        expiresAt: input.expiresAt ?? null,
      });
      await this.store.audit(tx, principal, {
        action: 'key.create',
        target: { kind: 'api_key', id: view.id },
        before: null,
        after: keySummary(view),
      });
      return { ...view, key: secret };
    });
  }

  /** Revokes a key at once; revoking a revoked key changes nothing and records nothing. */
  async revoke(principal: Principal, keyId: string): Promise<ApiKeyView> {
    return this.store.transaction(async (tx) => {
      const before = await this.find(tx, principal.tenantId, keyId, true);
      if (before.revokedAt !== null) return before;
      const after = returned<ApiKeyView>(
        await tx.query(
          `UPDATE ${this.store.table('api_key')} SET revoked_at = now() WHERE tenant_id = $1 AND id = $2
           RETURNING ${KEY_COLUMNS}`,
          [principal.tenantId, keyId],
        ),
      );
      await publishApiKeys(tx, this.store.outbox, this.store.schema, [keyId]);
      await this.store.audit(tx, principal, {
        action: 'key.revoke',
        target: { kind: 'api_key', id: keyId },
        before: keySummary(before),
        after: keySummary(after),
      });
      return after;
    });
  }

  private find(tx: EntityManager, tenantId: string, keyId: string, lock = false): Promise<ApiKeyView> {
    const keys = { table: 'api_key', columns: KEY_COLUMNS, notFound: 'no such API key' };
    return this.store.findTenantRow(tx, keys, tenantId, keyId, lock);
  }
}
