import type { Role } from '@tessera/access';
import { ApiKeyUpsertedV1, type EventData, Topics } from '@tessera/contracts';
import { type OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import type { EntityManager } from 'typeorm';
import { allReturned } from '../persistence/sql';

/** A key as its event describes it: its hash, role, team and validity; never its name or when it was last used. */
interface PublishedKey {
  id: string;
  tenantId: string;
  role: Role;
  teamId: string | null;
  secretHash: Buffer;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const PUBLISHED_COLUMNS = `id, tenant_id AS "tenantId", role, team_id AS "teamId", secret_hash AS "secretHash",
  created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"`;

function eventData(key: PublishedKey): EventData<typeof ApiKeyUpsertedV1> {
  return {
    keyId: key.id,
    role: key.role,
    teamId: key.teamId,
    // The secret is 32 random bytes: its SHA-256 cannot be turned back into the key, so it may travel.
    secretHash: key.secretHash.toString('base64'),
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/** Outbox keys in a stable order, so that two transactions appending several never wait on each other in a cycle. */
function byEventKey<T extends { eventKey: string }>(a: T, b: T): number {
  return a.eventKey < b.eventKey ? -1 : a.eventKey > b.eventKey ? 1 : 0;
}

/**
 * Writes the current state of these keys (created, revoked, or never published yet) to the outbox as
 * `api-key.upserted`, in the transaction that changed them, and notes when (`published_at`). Answers the key ids.
 */
export async function publishApiKeys(
  tx: EntityManager,
  outbox: OutboxWriter,
  schema: string,
  keyIds: readonly string[],
): Promise<string[]> {
  if (keyIds.length === 0) return [];
  const rows = allReturned<PublishedKey>(
    await tx.query(
      `UPDATE ${quoteIdentifier(schema)}.api_key SET published_at = now() WHERE id = ANY($1::text[])
       RETURNING ${PUBLISHED_COLUMNS}`,
      [keyIds],
    ),
  );
  const events = rows
    .map((key) => ({ key, data: eventData(key), eventKey: ApiKeyUpsertedV1.key(key.tenantId, eventData(key)) }))
    .sort(byEventKey);
  for (const { key, data } of events) await outbox.append(tx, ApiKeyUpsertedV1, { tenant: key.tenantId, data });
  return events.map((e) => e.key.id);
}

/**
 * Deletes a team's API keys (only revoked ones are left when a team goes) with a tombstone on each key's event key,
 * in the transaction that deletes the team.
 */
export async function deleteTeamApiKeys(
  tx: EntityManager,
  outbox: OutboxWriter,
  schema: string,
  teamId: string,
): Promise<void> {
  const rows = allReturned<PublishedKey>(
    await tx.query(`DELETE FROM ${quoteIdentifier(schema)}.api_key WHERE team_id = $1 RETURNING ${PUBLISHED_COLUMNS}`, [
      teamId,
    ]),
  );
  const removed = rows
    .map((key) => ({ eventKey: ApiKeyUpsertedV1.key(key.tenantId, eventData(key)) }))
    .sort(byEventKey);
  for (const { eventKey } of removed) await outbox.appendTombstone(tx, Topics.registry, eventKey);
}
