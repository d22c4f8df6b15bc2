import { ConflictException } from '@nestjs/common';
import { TenantIdSchema, TenantUpsertedV1 } from '@tessera/contracts';
import { type OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import type { DataSource } from 'typeorm';
import { insertApiKey, recordAudit } from './admin.service';
import { keySummary } from './records';

export interface BootstrappedTenant {
  tenantId: string;
  keyId: string;
  /** The admin key, shown once: it is stored only as a hash. */
  key: string;
}

/**
 * Creates a tenant and its first admin key, with the tenant's event and the audit entries (actor: none, the
 * operator's command) in one transaction. Refused if the tenant exists: a tenant's later keys come from its admins.
 */
export async function bootstrapTenant(
  dataSource: DataSource,
  outbox: OutboxWriter,
  schema: string,
  tenant: { id: string; name?: string | undefined },
): Promise<BootstrappedTenant> {
  const id = TenantIdSchema.parse(tenant.id);
  const name = tenant.name ?? id;
  const s = quoteIdentifier(schema);
  return dataSource.transaction(async (tx) => {
    const inserted = await tx.query<unknown[]>(
      `INSERT INTO ${s}.tenant (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, name],
    );
    if (inserted.length === 0)
      throw new ConflictException(`tenant ${id} exists already; its admins create further keys`);
    await outbox.append(tx, TenantUpsertedV1, { tenant: id, data: { tenantId: id, name, status: 'active' } });
    const actor = { tenantId: id, keyId: null, teamId: null };
    await recordAudit(tx, schema, actor, {
      action: 'tenant.create',
      target: { kind: 'tenant', id },
      before: null,
      after: { name, status: 'active' },
    });
    const { view, secret } = await insertApiKey(tx, schema, {
      tenantId: id,
      teamId: null,
      role: 'admin',
      name: 'bootstrap admin',
      expiresAt: null,
    });
    await recordAudit(tx, schema, actor, {
      action: 'key.create',
      target: { kind: 'api_key', id: view.id },
      before: null,
      after: keySummary(view),
    });
    return { tenantId: id, keyId: view.id, key: secret };
  });
}
