import { storedApiKeyFromEvent } from '@tessera/access';
import type { ApiKeyUpsertedV1, EventData, EventEnvelope, TenantUpsertedV1 } from '@tessera/contracts';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * A service's read model of the registry's tenants and API keys (known_tenant, known_api_key), applied from the
 * registry topic; every write is idempotent (a state event carries the whole latest state). `table` names a table of
 * the service's schema as SQL text.
 */
export class KnownApiKeys {
  constructor(
    private readonly dataSource: DataSource,
    private readonly table: (name: string) => string,
  ) {}

  async tenantUpserted(event: EventEnvelope<EventData<typeof TenantUpsertedV1>>, tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.table('known_tenant')} (id, status) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()`,
      [event.data.tenantId, event.data.status],
    );
  }

  async apiKeyUpserted(event: EventEnvelope<EventData<typeof ApiKeyUpsertedV1>>, tx: EntityManager): Promise<void> {
    const key = storedApiKeyFromEvent(event.tenant, event.data);
    await tx.query(
      `INSERT INTO ${this.table('known_api_key')} (id, tenant_id, team_id, role, secret_hash, created_at, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET team_id = EXCLUDED.team_id, role = EXCLUDED.role,
         secret_hash = EXCLUDED.secret_hash, expires_at = EXCLUDED.expires_at, revoked_at = EXCLUDED.revoked_at
       WHERE ${this.table('known_api_key')}.tenant_id = EXCLUDED.tenant_id`,
      [
        key.keyId,
        key.tenantId,
        key.teamId,
        key.role,
        key.secretHash,
        event.data.createdAt,
        key.expiresAt,
        key.revokedAt,
      ],
    );
  }

  /** A tombstone on `<tenant>/api-key/<id>` removes the key; other tombstones of the registry mean nothing here. */
  async tombstone(key: string): Promise<void> {
    const match = /^([a-z0-9][a-z0-9-]{0,62})\/api-key\/([0-9a-f]{16})$/.exec(key);
    if (!match) return;
    await this.dataSource.query(`DELETE FROM ${this.table('known_api_key')} WHERE tenant_id = $1 AND id = $2`, [
      match[1],
      match[2],
    ]);
  }
}
