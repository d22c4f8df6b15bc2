import { ConflictException } from '@nestjs/common';
import { MAX_DOMAINS_PER_TENANT, PinConfigVersionUpsertedV1 } from '@tessera/contracts';
import type { EntityManager } from 'typeorm';
import type { PinsStore } from '../persistence/pins-store';

/**
 * Raises the tenant's pin config version in the transaction of a change to its domains (called after the change),
 * and publishes it with the change, naming every domain revision it stands for: a node serves the version only
 * once it holds exactly those, so every pins node signs the same version for the same pins, whatever order the
 * partitions deliver in. The version row's lock orders concurrent changes of one tenant: the domains read after it
 * include every change committed under an earlier version.
 */
export async function raiseConfigVersion(
  store: PinsStore,
  tx: EntityManager,
  tenant: string,
  options: { domainAdded?: boolean } = {},
): Promise<number> {
  const rows: { version: string; changed_at: Date }[] = await tx.query(
    `INSERT INTO ${store.table('pin_config_version')} (tenant_id, version, changed_at) VALUES ($1, 1, clock_timestamp())
     ON CONFLICT (tenant_id) DO UPDATE
       SET version = ${store.table('pin_config_version')}.version + 1, changed_at = clock_timestamp()
     RETURNING version, changed_at`,
    [tenant],
  );
  const [row] = rows;
  if (!row) throw new Error('raising the pin config version returned no row');
  const domains: { id: string; revision: number }[] = await tx.query(
    `SELECT id, revision FROM ${store.table('protected_domain')} WHERE tenant_id = $1`,
    [tenant],
  );
  // Counted under the version row's lock, so two creations at once cannot both pass; only a creation is refused
  // (a rotation of a tenant somehow past the limit must still go through).
  if (options.domainAdded && domains.length > MAX_DOMAINS_PER_TENANT) {
    throw new ConflictException({
      statusCode: 409,
      reason: 'too-many-domains',
      message: `a tenant protects at most ${MAX_DOMAINS_PER_TENANT} domains: remove one first`,
    });
  }
  const version = Number(row.version);
  const domainRevisions = Object.fromEntries(domains.map((domain) => [domain.id, domain.revision]));
  await store.outbox.append(tx, PinConfigVersionUpsertedV1, {
    tenant,
    data: { version, changedAt: row.changed_at.toISOString(), domainRevisions },
  });
  return version;
}
