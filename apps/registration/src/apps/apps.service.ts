import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { canWriteTeamResources, type Principal } from '@tessera/access';
import type { DatabaseServiceConfig } from '@tessera/config';
import { AppUpsertedV1, Topics } from '@tessera/contracts';
import { OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit-log';
import type { Page } from '../persistence/page';
import { isForeignKeyViolation, isUniqueViolation, pageOf, returned } from '../persistence/sql';
import { findVisibleApp, visibleTeam } from './app-lookup';
import { APP_COLUMNS, appIdentifiers, appSummary, type AppView } from './app.view';
import type { CreateAppInput } from './apps.schemas';
import { publishApp } from './publish-app';

/** Apps of the caller's tenant; developers see and change only their own team's. */
@Injectable()
export class AppsService {
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

  async list(
    principal: Principal,
    query: { limit: number; cursor?: string | undefined; teamId?: string | undefined; platform?: string | undefined },
  ): Promise<Page<AppView>> {
    const rows = await this.dataSource.query<AppView[]>(
      `SELECT ${APP_COLUMNS} FROM ${this.s}.app
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
    return findVisibleApp(this.dataSource.manager, this.schema, principal, appId);
  }

  async create(principal: Principal, input: CreateAppInput): Promise<AppView> {
    const teamId = this.owningTeam(principal, input.teamId);
    return this.dataSource.transaction(async (tx) => {
      const team = await tx.query<unknown[]>(
        `SELECT id FROM ${this.s}.team WHERE tenant_id = $1 AND id = $2 FOR SHARE`,
        [principal.tenantId, teamId],
      );
      if (team.length === 0) throw new BadRequestException({ statusCode: 400, message: 'teamId: no such team' });
      let app: AppView;
      try {
        app = returned(
          await tx.query<AppView[]>(
            `INSERT INTO ${this.s}.app (id, tenant_id, team_id, name, platform, package_name, apple_team_id, bundle_id)
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
      await publishApp(tx, this.outbox, principal.tenantId, app);
      await recordAudit(tx, this.schema, principal, {
        action: 'app.create',
        target: { kind: 'app', id: app.id },
        before: null,
        after: appSummary(app),
      });
      return app;
    });
  }

  async update(principal: Principal, appId: string, change: { name: string }): Promise<AppView> {
    return this.dataSource.transaction(async (tx) => {
      const before = await findVisibleApp(tx, this.schema, principal, appId, 'update');
      const app = returned<AppView>(
        await tx.query(
          `UPDATE ${this.s}.app SET name = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2
           RETURNING ${APP_COLUMNS}`,
          [principal.tenantId, appId, change.name],
        ),
      );
      await publishApp(tx, this.outbox, principal.tenantId, app);
      await recordAudit(tx, this.schema, principal, {
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
    await this.dataSource.transaction(async (tx) => {
      const before = await findVisibleApp(tx, this.schema, principal, appId, 'update');
      try {
        await tx.query(`DELETE FROM ${this.s}.app WHERE tenant_id = $1 AND id = $2`, [principal.tenantId, appId]);
      } catch (error) {
        if (!isForeignKeyViolation(error)) throw error;
        throw new ConflictException(
          'the app still has registrations, secure strings or device overrides: remove them first',
        );
      }
      await this.outbox.appendTombstone(
        tx,
        Topics.registry,
        AppUpsertedV1.key(principal.tenantId, {
          appId,
          teamId: before.teamId,
          name: before.name,
          identifiers: appIdentifiers(before),
          policyId: before.policyId,
        }),
      );
      await recordAudit(tx, this.schema, principal, {
        action: 'app.delete',
        target: { kind: 'app', id: appId },
        before: appSummary(before),
        after: null,
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
