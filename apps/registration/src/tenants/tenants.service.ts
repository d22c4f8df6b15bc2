import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { TenantUpsertedV1 } from '@tessera/contracts';
import type { EntityManager } from 'typeorm';
import { RegistryStore } from '../persistence/registry-store';
import { returned } from '../persistence/sql';
import { TENANT_COLUMNS, type TenantView } from './tenant.view';

/** The caller's tenant: there is no endpoint that names another. */
@Injectable()
export class TenantsService {
  constructor(@Inject(RegistryStore) private readonly store: RegistryStore) {}

  current(principal: Principal): Promise<TenantView> {
    return this.find(this.store.dataSource.manager, principal.tenantId);
  }

  async update(principal: Principal, change: { name: string }): Promise<TenantView> {
    return this.store.transaction(async (tx) => {
      const before = await this.find(tx, principal.tenantId, true);
      const after = returned<TenantView>(
        await tx.query(
          `UPDATE ${this.store.table('tenant')} SET name = $2, updated_at = now() WHERE id = $1
           RETURNING ${TENANT_COLUMNS}`,
          [principal.tenantId, change.name],
        ),
      );
      await this.store.outbox.append(tx, TenantUpsertedV1, {
        tenant: after.id,
        data: { tenantId: after.id, name: after.name, status: after.status },
      });
      await this.store.audit(tx, principal, {
        action: 'tenant.update',
        target: { kind: 'tenant', id: after.id },
        before: { name: before.name, status: before.status },
        after: { name: after.name, status: after.status },
      });
      return after;
    });
  }

  private async find(tx: EntityManager, tenantId: string, lock = false): Promise<TenantView> {
    const rows = await tx.query<TenantView[]>(
      `SELECT ${TENANT_COLUMNS} FROM ${this.store.table('tenant')} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [tenantId],
    );
    if (!rows[0]) throw new NotFoundException('no such tenant');
    return rows[0];
  }
}
