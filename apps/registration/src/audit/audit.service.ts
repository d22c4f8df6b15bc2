import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { Page } from '../persistence/page';
import { RegistryStore } from '../persistence/registry-store';
import { pageOf } from '../persistence/sql';
import { AUDIT_COLUMNS, type AuditEventView } from './audit-event.view';

/** Reads the audit log of the caller's tenant, newest first. */
@Injectable()
export class AuditService {
  constructor(@Inject(RegistryStore) private readonly store: RegistryStore) {}

  async list(
    principal: Principal,
    query: {
      limit: number;
      cursor?: string | undefined;
      from?: Date | undefined;
      to?: Date | undefined;
      actor?: string | undefined;
      action?: string | undefined;
    },
  ): Promise<Page<AuditEventView>> {
    const rows = await this.store.dataSource.query<AuditEventView[]>(
      `SELECT ${AUDIT_COLUMNS} FROM ${this.store.table('audit_event')}
       WHERE tenant_id = $1
         AND ($2::bigint IS NULL OR id < $2::bigint)
         AND ($3::timestamptz IS NULL OR at >= $3)
         AND ($4::timestamptz IS NULL OR at < $4)
         AND ($5::text IS NULL OR actor_key_id = $5)
         AND ($6::text IS NULL OR action = $6)
       -- The table's bigint id: a bare "id" would be the text column of the answer, and '9' sorts after '10'.
       ORDER BY audit_event.id DESC LIMIT $7`,
      [
        principal.tenantId,
        query.cursor ?? null,
        query.from ?? null,
        query.to ?? null,
        query.actor ?? null,
        query.action ?? null,
        query.limit + 1,
      ],
    );
    return pageOf(rows, query.limit);
  }
}
