import type { ApiKeyUpsertedV1, EventData } from '@tessera/contracts';
import { isKeyUsable, parseApiKey, secretMatches } from './api-key';
import type { Principal, Role } from './roles';

/**
 * An API key as a service that authenticates callers keeps it: in the registration service its own table, in the
 * others a read model of `api-key.upserted` (joined with `tenant.upserted` for the tenant's status).
 */
export interface StoredApiKey {
  tenantId: string;
  keyId: string;
  role: Role;
  /** null for tenant-wide (admin) keys. */
  teamId: string | null;
  /** SHA-256 of the key's secret part (32 bytes). */
  secretHash: Buffer;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** False while the key's tenant is suspended (or not known yet): its keys authenticate nobody. */
  tenantActive: boolean;
}

/** Finds a stored key by its id (the primary key): undefined when there is none. */
export type ApiKeyLookup = (keyId: string) => Promise<StoredApiKey | undefined>;

const BEARER = /^Bearer +(\S+)$/i;

/**
 * The caller behind `Authorization: Bearer tsk_<id>_<secret>`, or undefined for a missing header, another scheme, a
 * malformed key, an unknown key id, a wrong secret, an expired or revoked key, or a key of a tenant that is not
 * active. There is deliberately no reason: the caller answers every refusal alike (401), which tells an attacker
 * nothing. The secret is compared with the stored hash in constant time.
 */
export async function authenticateApiKey(
  authorizationHeader: string | readonly string[] | undefined,
  lookup: ApiKeyLookup,
  now: Date = new Date(),
): Promise<Principal | undefined> {
  if (typeof authorizationHeader !== 'string') return undefined;
  const presented = BEARER.exec(authorizationHeader)?.[1];
  const parsed = presented === undefined ? undefined : parseApiKey(presented);
  if (!parsed) return undefined;
  const key = await lookup(parsed.id);
  // A lookup that answered another key than the one asked for must not let its secret through.
  if (key?.keyId !== parsed.id || !secretMatches(parsed.secret, key.secretHash)) return undefined;
  if (!isKeyUsable(key, now) || !key.tenantActive) return undefined;
  return { tenantId: key.tenantId, keyId: key.keyId, role: key.role, teamId: key.teamId };
}

/**
 * What an `api-key.upserted` says about a key, as the fields of a StoredApiKey. The tenant's status is not in the
 * event (it travels as `tenant.upserted`), so `tenantActive` is the read model's to add.
 */
export function storedApiKeyFromEvent(
  tenant: string,
  data: EventData<typeof ApiKeyUpsertedV1>,
): Omit<StoredApiKey, 'tenantActive'> {
  return {
    tenantId: tenant,
    keyId: data.keyId,
    role: data.role,
    teamId: data.teamId,
    secretHash: Buffer.from(data.secretHash, 'base64'),
    expiresAt: data.expiresAt === null ? null : new Date(data.expiresAt),
    revokedAt: data.revokedAt === null ? null : new Date(data.revokedAt),
  };
}
