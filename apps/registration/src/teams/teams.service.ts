import { randomUUID } from 'node:crypto';
import { ConflictException, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { canSeeTeam, type Principal } from '@tessera/access';
import { TeamUpsertedV1, Topics } from '@tessera/contracts';
import type { EntityManager } from 'typeorm';
import { deleteTeamApiKeys } from '../api-keys/publish-api-key';
import type { Page } from '../persistence/page';
import { RegistryStore } from '../persistence/registry-store';
import { isUniqueViolation, pageOf, returned } from '../persistence/sql';
import { TEAM_COLUMNS, type TeamView } from './team.view';

/** Teams of the caller's tenant. Every change writes its audit entry and its event in one transaction. */
@Injectable()
export class TeamsService {
  constructor(@Inject(RegistryStore) private readonly store: RegistryStore) {}

  async list(principal: Principal, query: { limit: number; cursor?: string | undefined }): Promise<Page<TeamView>> {
    const rows = await this.store.dataSource.query<TeamView[]>(
      `SELECT ${TEAM_COLUMNS} FROM ${this.store.table('team')}
       WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid) AND ($3::uuid IS NULL OR id = $3::uuid)
       ORDER BY id LIMIT $4`,
      [principal.tenantId, query.cursor ?? null, principal.role === 'admin' ? null : principal.teamId, query.limit + 1],
    );
    return pageOf(rows, query.limit);
  }

  async get(principal: Principal, teamId: string): Promise<TeamView> {
    const team = await this.find(this.store.dataSource.manager, principal.tenantId, teamId);
    if (!canSeeTeam(principal, team.id)) throw new ForbiddenException('a developer key sees its own team only');
    return team;
  }

  async create(principal: Principal, input: { name: string; description: string }): Promise<TeamView> {
    return this.store.transaction(async (tx) => {
      let team: TeamView;
      try {
        const rows = await tx.query<TeamView[]>(
          `INSERT INTO ${this.store.table('team')} (id, tenant_id, name, description) VALUES ($1, $2, $3, $4)
           RETURNING ${TEAM_COLUMNS}`,
          [randomUUID(), principal.tenantId, input.name, input.description],
        );
        team = returned(rows);
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictException(`a team named "${input.name}" exists`);
        throw error;
      }
      await this.publish(tx, principal.tenantId, team);
      await this.store.audit(tx, principal, {
        action: 'team.create',
        target: { kind: 'team', id: team.id },
        before: null,
        after: { name: team.name, description: team.description },
      });
      return team;
    });
  }

  async update(
    principal: Principal,
    teamId: string,
    change: { name?: string | undefined; description?: string | undefined },
  ): Promise<TeamView> {
    return this.store.transaction(async (tx) => {
      const before = await this.find(tx, principal.tenantId, teamId, true);
      let team: TeamView;
      try {
        team = returned<TeamView>(
          await tx.query(
            `UPDATE ${this.store.table('team')} SET name = $3, description = $4, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 RETURNING ${TEAM_COLUMNS}`,
            [principal.tenantId, teamId, change.name ?? before.name, change.description ?? before.description],
          ),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictException(`a team named "${change.name ?? ''}" exists`);
        throw error;
      }
      await this.publish(tx, principal.tenantId, team);
      await this.store.audit(tx, principal, {
        action: 'team.update',
        target: { kind: 'team', id: team.id },
        before: { name: before.name, description: before.description },
        after: { name: team.name, description: team.description },
      });
      return team;
    });
  }

  /**
   * Deletes a team that owns no app and no usable key (its revoked keys go with it); tombstones remove the team and
   * those keys downstream.
   */
  async delete(principal: Principal, teamId: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const before = await this.find(tx, principal.tenantId, teamId, true);
      const live = await tx.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM ${this.store.table('api_key')} WHERE team_id = $1 AND revoked_at IS NULL`,
        [teamId],
      );
      if ((live[0]?.n ?? 0) > 0) {
        throw new ConflictException('the team still has API keys that are not revoked: revoke them first');
      }
      await deleteTeamApiKeys(tx, this.store.outbox, this.store.schema, teamId);
      await this.store.deleteTenantRow(
        tx,
        'team',
        principal.tenantId,
        teamId,
        'the team still owns apps: delete them first',
      );
      await this.store.publishRemoval(tx, principal, {
        topic: Topics.registry,
        key: TeamUpsertedV1.key(principal.tenantId, { ...before, teamId }),
        action: 'team.delete',
        target: { kind: 'team', id: teamId },
        before: { name: before.name, description: before.description },
      });
    });
  }

  private find(tx: EntityManager, tenantId: string, teamId: string, lock = false): Promise<TeamView> {
    const teams = { table: 'team', columns: TEAM_COLUMNS, notFound: 'no such team' };
    return this.store.findTenantRow(tx, teams, tenantId, teamId, lock);
  }

  private async publish(tx: EntityManager, tenantId: string, team: TeamView): Promise<void> {
    await this.store.outbox.append(tx, TeamUpsertedV1, {
      tenant: tenantId,
      data: { teamId: team.id, name: team.name, description: team.description },
    });
  }
}
