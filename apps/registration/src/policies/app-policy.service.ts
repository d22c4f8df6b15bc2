import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { findVisibleApp } from '../apps/app-lookup';
import { APP_COLUMNS, type AppView } from '../apps/app.view';
import { publishApp } from '../apps/publish-app';
import { RegistryStore } from '../persistence/registry-store';
import { returned } from '../persistence/sql';

/** Which policy an app is attested under: one of its tenant's, or (null) the built-in default. */
@Injectable()
export class AppPolicyService {
  constructor(@Inject(RegistryStore) private readonly store: RegistryStore) {}

  /** Assigns the policy and republishes the app; assigning the policy it already has writes nothing. */
  async assign(principal: Principal, appId: string, policyId: string | null): Promise<AppView> {
    return this.store.transaction(async (tx) => {
      const before = await findVisibleApp(tx, this.store.schema, principal, appId, 'update');
      if (policyId !== null) {
        // FOR SHARE: the policy cannot be deleted between this check and the commit.
        const policy = await tx.query<unknown[]>(
          `SELECT id FROM ${this.store.table('policy')} WHERE tenant_id = $1 AND id = $2 FOR SHARE`,
          [principal.tenantId, policyId],
        );
        if (policy.length === 0) {
          throw new BadRequestException({ statusCode: 400, message: 'policyId: no such policy' });
        }
      }
      if (before.policyId === policyId) return before;
      const app = returned<AppView>(
        await tx.query(
          `UPDATE ${this.store.table('app')} SET policy_id = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2
           RETURNING ${APP_COLUMNS}`,
          [principal.tenantId, appId, policyId],
        ),
      );
      await publishApp(tx, this.store.outbox, principal.tenantId, app);
      await this.store.audit(tx, principal, {
        action: 'app.assign-policy',
        target: { kind: 'app', id: appId },
        before: { policyId: before.policyId },
        after: { policyId: app.policyId },
      });
      return app;
    });
  }
}
