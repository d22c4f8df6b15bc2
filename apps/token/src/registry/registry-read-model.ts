import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyUpsertedV1, type EventData, type EventEnvelope, TenantUpsertedV1 } from '@tessera/contracts';
import { storedApiKeyFromEvent } from '@tessera/access';
import type { EntityManager } from 'typeorm';
import { SigningKeysService } from '../keys/signing-keys.service';
import { TokenStore } from '../persistence/token-store';

/**
 * The registry as the token service needs it, applied from the registry topic: tenants (a new one gets its signing
 * keys before its first token request) and API keys (to authenticate admin requests). Every handler is idempotent:
 * a state event carries the whole latest state.
 */
@Injectable()
export class RegistryReadModel {
  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(SigningKeysService) private readonly keys: SigningKeysService,
  ) {}

  async tenantUpserted(event: EventEnvelope<EventData<typeof TenantUpsertedV1>>, tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.store.table('known_tenant')} (id, status) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()`,
      [event.data.tenantId, event.data.status],
    );
    // Its own transaction: the keys are there (and published) whatever becomes of this event's.
    if (event.data.status === 'active') await this.keys.applySchedule(event.data.tenantId);
  }

  async apiKeyUpserted(event: EventEnvelope<EventData<typeof ApiKeyUpsertedV1>>, tx: EntityManager): Promise<void> {
    const key = storedApiKeyFromEvent(event.tenant, event.data);
    await tx.query(
      `INSERT INTO ${this.store.table('known_api_key')} (id, tenant_id, team_id, role, secret_hash, created_at, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET team_id = EXCLUDED.team_id, role = EXCLUDED.role,
         secret_hash = EXCLUDED.secret_hash, expires_at = EXCLUDED.expires_at, revoked_at = EXCLUDED.revoked_at
       WHERE ${this.store.table('known_api_key')}.tenant_id = EXCLUDED.tenant_id`,
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
    await this.store.dataSource.query(
      `DELETE FROM ${this.store.table('known_api_key')} WHERE tenant_id = $1 AND id = $2`,
      [match[1], match[2]],
    );
  }
}
