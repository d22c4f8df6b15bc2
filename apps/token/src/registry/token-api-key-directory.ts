import { Inject, Injectable } from '@nestjs/common';
import type { StoredApiKey } from '@tessera/access';
import { DatabaseConnection } from '@tessera/database';
import { ApiKeyDirectory } from '@tessera/service-runtime';
import { TokenStore } from '../persistence/token-store';

/**
 * API keys as the token service knows them: its read model of api-key.upserted and tenant.upserted. A key the
 * registration service just created authenticates here once its event has arrived (the outbox relay's few ms).
 */
@Injectable()
export class TokenApiKeyDirectory extends ApiKeyDirectory {
  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
  ) {
    super();
  }

  isReady(): boolean {
    return this.database.isMigrated;
  }

  async find(keyId: string): Promise<StoredApiKey | undefined> {
    const rows = await this.store.dataSource.query<StoredApiKey[]>(
      `SELECT k.id AS "keyId", k.tenant_id AS "tenantId", k.team_id AS "teamId", k.role,
              k.secret_hash AS "secretHash", k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt",
              coalesce(t.status = 'active', false) AS "tenantActive"
       FROM ${this.store.table('known_api_key')} k LEFT JOIN ${this.store.table('known_tenant')} t ON t.id = k.tenant_id
       WHERE k.id = $1`,
      [keyId],
    );
    return rows[0];
  }
}
