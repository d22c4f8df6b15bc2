import type { StoredApiKey } from '@tessera/access';
import type { DatabaseConnection } from '@tessera/database';
import type { DataSource } from 'typeorm';
import { ApiKeyDirectory } from '../api-key-directory';

/**
 * API keys as a service other than the registration service knows them: its read model of api-key.upserted and
 * tenant.upserted (KnownApiKeys). A key the registration service just created authenticates here once its event has
 * arrived (the outbox relay's few ms).
 */
export class KnownApiKeyDirectory extends ApiKeyDirectory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly table: (name: string) => string,
    private readonly database: DatabaseConnection,
  ) {
    super();
  }

  isReady(): boolean {
    return this.database.isMigrated;
  }

  async find(keyId: string): Promise<StoredApiKey | undefined> {
    const rows = await this.dataSource.query<StoredApiKey[]>(
      `SELECT k.id AS "keyId", k.tenant_id AS "tenantId", k.team_id AS "teamId", k.role,
              k.secret_hash AS "secretHash", k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt",
              coalesce(t.status = 'active', false) AS "tenantActive"
       FROM ${this.table('known_api_key')} k LEFT JOIN ${this.table('known_tenant')} t ON t.id = k.tenant_id
       WHERE k.id = $1`,
      [keyId],
    );
    return rows[0];
  }
}
