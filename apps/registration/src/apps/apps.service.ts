import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { canWriteTeamResources, type Principal } from '@tessera/access';
import { Topics } from '@tessera/contracts';
import type { Page } from '../persistence/page';
import { RegistryStore } from '../persistence/registry-store';
import { isUniqueViolation, pageOf, returned } from '../persistence/sql';
import { findVisibleApp, visibleTeam } from './app-lookup';
import { APP_COLUMNS, appSummary, type AppView } from './app.view';
import type { CreateAppInput } from './apps.schemas';
import { appKey, publishApp } from './publish-app';

/** Apps of the caller's tenant; developers see and change only their own team's. */
@Injectable()
export class AppsService {
  constructor(@Inject(RegistryStore) private readonly store: RegistryStore) {}

  async list(
    principal: Principal,
    query: { limit: number; cursor?: string | undefined; teamId?: string | undefined; platform?: string | undefined },
  ): Promise<Page<AppView>> {
    const rows = await this.store.dataSource.query<AppView[]>(
      `SELECT ${APP_COLUMNS} FROM ${this.store.table('app')}
       WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid) AND ($3::uuid IS NULL OR team_id = $3::uuid)
         AND ($4::uuid IS NULL OR team_id = $4::uuid) AND ($5::text IS NULL OR platform = $5)
       ORDER BY id LIMIT $6`,
      [
        principal.tenantId,
        query.cursor ?? null,
        visibleTeam(principal),
        query.teamId ?? null,
        query.platform ?? null,
        query.limit + 1,
      ],
    );
    return pageOf(rows, query.limit);
  }

  get(principal: Principal, appId: string): Promise<AppView> {
    return findVisibleApp(this.store.dataSource.manager, this.store.schema, principal, appId);
  }

  async create(principal: Principal, input: CreateAppInput): Promise<AppView> {
    const teamId = this.owningTeam(principal, input.teamId);
    return this.store.transaction(async (tx) => {
      const team = await tx.query<unknown[]>(
        `SELECT id FROM ${this.store.table('team')} WHERE tenant_id = $1 AND id = $2 FOR SHARE`,
        [principal.tenantId, teamId],
      );
      if (team.length === 0) throw new BadRequestException({ statusCode: 400, message: 'teamId: no such team' });
      let app: AppView;
      try {
        app = returned(
          await tx.query<AppView[]>(
            `INSERT INTO ${this.store.table('app')}
               (id, tenant_id, team_id, name, platform, package_name, apple_team_id, bundle_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${APP_COLUMNS}`,
            [
              randomUUID(),
              principal.tenantId,
              teamId,
              input.name,
              input.platform,
              input.platform === 'android' ? input.packageName : null,
              input.platform === 'ios' ? input.appleTeamId : null,
              input.platform === 'ios' ? input.bundleId : null,
            ],
          ),
        );
      } catch (error) {
        if (isUniqueViolation(error)) {
          const id = input.platform === 'android' ? input.packageName : `${input.appleTeamId}.${input.bundleId}`;
          throw new ConflictException(`an ${input.platform} app ${id} exists in this tenant`);
        }
        throw error;
      }
      await publishApp(tx, this.store.outbox, principal.tenantId, app);
      await this.store.audit(tx, principal, {
        action: 'app.create',
        target: { kind: 'app', id: app.id },
        before: null,
        after: appSummary(app),
      });
      return app;
    });
  }

  async update(principal: Principal, appId: string, change: { name: string }): Promise<AppView> {
    return this.store.transaction(async (tx) => {
      const before = await findVisibleApp(tx, this.store.schema, principal, appId, 'update');
      const app = returned<AppView>(
        await tx.query(
          `UPDATE ${this.store.table('app')} SET name = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2
           RETURNING ${APP_COLUMNS}`,
          [principal.tenantId, appId, change.name],
        ),
      );
      await publishApp(tx, this.store.outbox, principal.tenantId, app);
      await this.store.audit(tx, principal, {
        action: 'app.update',
        target: { kind: 'app', id: app.id },
        before: appSummary(before),
        after: appSummary(app),
      });
      return app;
    });
  }

  /**
   * Deletes an app that has no registrations, secure strings or device overrides left (their foreign keys say
   * so): each of those leaves Kafka through its own tombstone, never silently with the app.
   */
  async delete(principal: Principal, appId: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const before = await findVisibleApp(tx, this.store.schema, principal, appId, 'update');
      await this.store.deleteTenantRow(
        tx,
        'app',
        principal.tenantId,
        appId,
        'the app still has registrations, secure strings or device overrides: remove them first',
      );
      await this.store.publishRemoval(tx, principal, {
        topic: Topics.registry,
        key: appKey(principal.tenantId, before),
        action: 'app.delete',
        target: { kind: 'app', id: appId },
        before: appSummary(before),
      });
    });
  }

  /** Admins name the team; a developer's app belongs to the developer's own team. */
  private owningTeam(principal: Principal, teamId: string | undefined): string {
    if (principal.role === 'admin') {
      if (!teamId)
        throw new BadRequestException({ statusCode: 400, message: 'teamId: an admin names the owning team' });
      return teamId;
    }
    const own = principal.teamId ?? '';
    if (teamId !== undefined && !canWriteTeamResources(principal, teamId)) {
      throw new BadRequestException({ statusCode: 400, message: 'teamId: a developer creates apps for its own team' });
    }
    return own;
  }
}
