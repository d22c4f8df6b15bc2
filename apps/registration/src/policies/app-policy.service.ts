import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { DatabaseServiceConfig } from '@tessera/config';
import { OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';
import { findVisibleApp } from '../apps/app-lookup';
import { APP_COLUMNS, type AppView } from '../apps/app.view';
import { publishApp } from '../apps/publish-app';
import { recordAudit } from '../audit/audit-log';
import { returned } from '../persistence/sql';

/** Which policy an app is attested under: one of its tenant's, or (null) the built-in default. */
@Injectable()
export class AppPolicyService {
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

  /** Assigns the policy and republishes the app; assigning the policy it already has writes nothing. */
  async assign(principal: Principal, appId: string, policyId: string | null): Promise<AppView> {
    return this.dataSource.transaction(async (tx) => {
      const before = await findVisibleApp(tx, this.schema, principal, appId, 'update');
      if (policyId !== null) {
        // FOR SHARE: the policy cannot be deleted between this check and the commit.
        const policy = await tx.query<unknown[]>(
          `SELECT id FROM ${this.s}.policy WHERE tenant_id = $1 AND id = $2 FOR SHARE`,
          [principal.tenantId, policyId],
        );
        if (policy.length === 0) {
          throw new BadRequestException({ statusCode: 400, message: 'policyId: no such policy' });
        }
      }
      if (before.policyId === policyId) return before;
      const app = returned<AppView>(
        await tx.query(
          `UPDATE ${this.s}.app SET policy_id = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2
           RETURNING ${APP_COLUMNS}`,
          [principal.tenantId, appId, policyId],
        ),
      );
      await publishApp(tx, this.outbox, principal.tenantId, app);
      await recordAudit(tx, this.schema, principal, {
        action: 'app.assign-policy',
        target: { kind: 'app', id: appId },
        before: { policyId: before.policyId },
        after: { policyId: app.policyId },
      });
      return app;
    });
  }
}
