import { PinConfigVersionUpsertedV1 } from '@tessera/contracts';
import type { EntityManager } from 'typeorm';
import type { PinsStore } from '../persistence/pins-store';

/**
 * Raises the tenant's pin config version in the transaction of a change to its domains, and publishes it with the
 * change: every pins node then signs the same version for the same pins.
 */
export async function raiseConfigVersion(store: PinsStore, tx: EntityManager, tenant: string): Promise<number> {
  const rows: { version: string; changed_at: Date }[] = await tx.query(
    `INSERT INTO ${store.table('pin_config_version')} (tenant_id, version) VALUES ($1, 1)
     ON CONFLICT (tenant_id) DO UPDATE SET version = ${store.table('pin_config_version')}.version + 1, changed_at = now()
     RETURNING version, changed_at`,
    [tenant],
  );
  const [row] = rows;
  if (!row) throw new Error('raising the pin config version returned no row');
  const version = Number(row.version);
  await store.outbox.append(tx, PinConfigVersionUpsertedV1, {
    tenant,
    data: { version, changedAt: row.changed_at.toISOString() },
  });
  return version;
}
