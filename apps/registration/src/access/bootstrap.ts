import { ConflictException } from '@nestjs/common';
import { hashSecret, parseApiKey } from '@tessera/access';
import { TenantIdSchema, TenantUpsertedV1 } from '@tessera/contracts';
import { type OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import { insertApiKey } from '../api-keys/insert-api-key';
import { keySummary } from '../api-keys/api-key.view';
import { type Actor, recordAudit } from '../audit/audit-log';

export interface BootstrappedTenant {
  tenantId: string;
  keyId: string;
  /** The admin key, shown once: it is stored only as a hash. */
  key: string;
}

/**
 * Creates a tenant and its first admin key, with their events and the audit entries (actor: none, the operator's
 * command) in one transaction. Refused if the tenant exists: a tenant's later keys come from its admins.
 */
export async function bootstrapTenant(
  dataSource: DataSource,
  outbox: OutboxWriter,
  schema: string,
  tenant: { id: string; name?: string | undefined },
): Promise<BootstrappedTenant> {
  const id = TenantIdSchema.parse(tenant.id);
  const name = tenant.name ?? id;
  return dataSource.transaction(async (tx) => {
    const actor = { tenantId: id, keyId: null, teamId: null };
    if (!(await createTenant(tx, outbox, schema, actor, id, name))) {
      throw new ConflictException(`tenant ${id} exists already; its admins create further keys`);
    }
    const { view, secret } = await insertApiKey(tx, outbox, schema, {
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

async function createTenant(
  tx: EntityManager,
  outbox: OutboxWriter,
  schema: string,
  actor: Actor,
  id: string,
  name: string,
): Promise<boolean> {
  const inserted = await tx.query<unknown[]>(
    `INSERT INTO ${quoteIdentifier(schema)}.tenant (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [id, name],
  );
  if (inserted.length === 0) return false;
  await outbox.append(tx, TenantUpsertedV1, { tenant: id, data: { tenantId: id, name, status: 'active' } });
  await recordAudit(tx, schema, actor, {
    action: 'tenant.create',
    target: { kind: 'tenant', id },
    before: null,
    after: { name, status: 'active' },
  });
  return true;
}

/**
 * TESSERA_BOOTSTRAP_TENANT + TESSERA_BOOTSTRAP_ADMIN_KEY: at startup, a tenant that has no API key at all (none
 * ever, revoked ones included) gets the tenant row if missing and this admin key. Once the tenant has any key the
 * variable is ignored, so revoking the bootstrap key is final. Concurrent instances serialise on a lock.
 */
export async function installBootstrapKey(
  dataSource: DataSource,
  outbox: OutboxWriter,
  schema: string,
  tenantId: string,
  key: string,
): Promise<'installed' | 'tenant has keys'> {
  const parsed = parseApiKey(key);
  if (!parsed) throw new Error('TESSERA_BOOTSTRAP_ADMIN_KEY is not a tsk_<16 hex>_<43 base64url> key');
  const id = TenantIdSchema.parse(tenantId);
  const s = quoteIdentifier(schema);
  return dataSource.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tessera-bootstrap:${schema}:${id}`]);
    const existing = await tx.query<unknown[]>(`SELECT 1 FROM ${s}.api_key WHERE tenant_id = $1 LIMIT 1`, [id]);
    if (existing.length > 0) return 'tenant has keys';
    const actor = { tenantId: id, keyId: null, teamId: null };
    await createTenant(tx, outbox, schema, actor, id, id);
    const { view } = await insertApiKey(
      tx,
      outbox,
      schema,
      { tenantId: id, teamId: null, role: 'admin', name: 'bootstrap admin (environment)', expiresAt: null },
      { id: parsed.id, key, hash: hashSecret(parsed.secret) },
    );
    await recordAudit(tx, schema, actor, {
      action: 'key.create',
      target: { kind: 'api_key', id: view.id },
      before: null,
      after: keySummary(view),
    });
    return 'installed';
  });
}
