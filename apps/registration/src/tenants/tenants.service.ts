import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { DatabaseServiceConfig } from '@tessera/config';
import { TenantUpsertedV1 } from '@tessera/contracts';
import { OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit-log';
import { returned } from '../persistence/sql';
import { TENANT_COLUMNS, type TenantView } from './tenant.view';

/** The caller's tenant: there is no endpoint that names another. */
@Injectable()
export class TenantsService {
  private readonly schema: string;
  private readonly s: string;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) config: DatabaseServiceConfig,
  ) {
    this.schema = config.DATABASE_SCHEMA;
    this.s = quoteIdentifier(config.DATABASE_SCHEMA);
  }

  async current(principal: Principal): Promise<TenantView> {
    const rows = await this.dataSource.query<TenantView[]>(
      `SELECT ${TENANT_COLUMNS} FROM ${this.s}.tenant WHERE id = $1`,
      [principal.tenantId],
    );
    if (!rows[0]) throw new NotFoundException('no such tenant');
    return rows[0];
  }

  async update(principal: Principal, change: { name: string }): Promise<TenantView> {
    return this.dataSource.transaction(async (tx) => {
      const before = await tx.query<TenantView[]>(
        `SELECT ${TENANT_COLUMNS} FROM ${this.s}.tenant WHERE id = $1 FOR UPDATE`,
        [principal.tenantId],
      );
      if (!before[0]) throw new NotFoundException('no such tenant');
      const after = returned<TenantView>(
        await tx.query(
          `UPDATE ${this.s}.tenant SET name = $2, updated_at = now() WHERE id = $1 RETURNING ${TENANT_COLUMNS}`,
          [principal.tenantId, change.name],
        ),
      );
      await this.outbox.append(tx, TenantUpsertedV1, {
        tenant: after.id,
        data: { tenantId: after.id, name: after.name, status: after.status },
      });
      await recordAudit(tx, this.schema, principal, {
        action: 'tenant.update',
        target: { kind: 'tenant', id: after.id },
        before: { name: before[0].name, status: before[0].status },
        after: { name: after.name, status: after.status },
      });
      return after;
    });
  }
}
