import { type GeneratedApiKey, generateApiKey, type Role } from '@tessera/access';
import { type OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import type { EntityManager } from 'typeorm';
import { KEY_COLUMNS, type ApiKeyView } from './api-key.view';
import { publishApiKeys } from './publish-api-key';

/**
 * Inserts an API key (hash only) with its `api-key.upserted` in the caller's transaction, and returns its view plus
 * the key string, which is never stored or published.
 */
export async function insertApiKey(
  tx: EntityManager,
  outbox: OutboxWriter,
  schema: string,
  key: { tenantId: string; teamId: string | null; role: Role; name: string; expiresAt: Date | null },
  generated: GeneratedApiKey = generateApiKey(),
): Promise<{ view: ApiKeyView; secret: string }> {
  const rows = await tx.query<ApiKeyView[]>(
    `INSERT INTO ${quoteIdentifier(schema)}.api_key (id, tenant_id, team_id, role, name, secret_hash, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${KEY_COLUMNS}`,
    [generated.id, key.tenantId, key.teamId, key.role, key.name, generated.hash, key.expiresAt],
  );
  const view = rows[0];
  if (!view) throw new Error('the key insert returned no row');
  await publishApiKeys(tx, outbox, schema, [view.id]);
  return { view, secret: generated.key };
}
