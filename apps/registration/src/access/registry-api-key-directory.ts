import { Inject, Injectable } from '@nestjs/common';
import type { StoredApiKey } from '@tessera/access';
import { DatabaseConnection } from '@tessera/database';
import { ApiKeyDirectory } from '@tessera/service-runtime';
import { RegistryStore } from '../persistence/registry-store';

/** last_used_at is written at most this often per key, so authentication is not a write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The registration service's keys, read from its own tables (the key and its tenant's status in one primary-key
 * read), for ApiKeyGuard. Other services authenticate with their own read model of `api-key.upserted`.
 */
@Injectable()
export class RegistryApiKeyDirectory extends ApiKeyDirectory {
  /**
   * When this instance last wrote (or found fresh) each key's last_used_at: a key in steady use costs one
   * conditional write a minute, not a query per request. Only keys that authenticated get an entry.
   */
  private readonly lastRecorded = new Map<string, number>();

  constructor(
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
  ) {
    super();
  }

  // The service listens before Postgres is connected and migrated (see /health/ready).
  isReady(): boolean {
    return this.database.isMigrated;
  }

  async find(keyId: string): Promise<StoredApiKey | undefined> {
    const rows = await this.store.dataSource.query<StoredApiKey[]>(
      `SELECT k.id AS "keyId", k.tenant_id AS "tenantId", k.team_id AS "teamId", k.role,
              k.secret_hash AS "secretHash", k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt",
              t.status = 'active' AS "tenantActive"
       FROM ${this.store.table('api_key')} k JOIN ${this.store.table('tenant')} t ON t.id = k.tenant_id
       WHERE k.id = $1`,
      [keyId],
    );
    return rows[0];
  }

  override async recordUse(keyId: string, lastUsedAt: Date): Promise<void> {
    const at = lastUsedAt.getTime();
    const recorded = this.lastRecorded.get(keyId);
    if (recorded !== undefined && at - recorded < LAST_USED_RESOLUTION_MS) return;
    // The database's clock, as for every other time it keeps; another instance may have written it within the
    // minute, and then this writes nothing.
    await this.store.dataSource.query(
      `UPDATE ${this.store.table('api_key')} SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= now() - $2 * interval '1 millisecond')`,
      [keyId, LAST_USED_RESOLUTION_MS],
    );
    this.lastRecorded.set(keyId, at);
  }
}
