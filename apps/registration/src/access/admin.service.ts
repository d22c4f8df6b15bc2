import { randomUUID } from 'node:crypto';
import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  canSeeTeam,
  type GeneratedApiKey,
  generateApiKey,
  keyScopeProblem,
  type Principal,
  type Role,
} from '@tessera/access';
import { TeamUpsertedV1, TenantUpsertedV1, Topics } from '@tessera/contracts';
import type { DatabaseServiceConfig } from '@tessera/config';
import { OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { BadRequestException } from '@nestjs/common';
import {
  type ApiKeyView,
  AUDIT_COLUMNS,
  type AuditEventView,
  KEY_COLUMNS,
  keySummary,
  type Page,
  TEAM_COLUMNS,
  type TeamView,
  TENANT_COLUMNS,
  type TenantView,
} from './records';

export interface AuditEntry {
  action: string;
  target: { kind: string; id: string };
  before: unknown;
  after: unknown;
}

/** Who acted: an API key, or the operator's bootstrap command (no key). */
export type Actor = Pick<Principal, 'tenantId' | 'keyId' | 'teamId'> | { tenantId: string; keyId: null; teamId: null };

/** Writes one audit entry in the caller's transaction, so the entry exists if and only if the change does. */
export async function recordAudit(tx: EntityManager, schema: string, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO ${quoteIdentifier(schema)}.audit_event
       (tenant_id, actor_key_id, actor_team_id, action, target_kind, target_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`,
    [
      actor.tenantId,
      actor.keyId,
      actor.teamId,
      entry.action,
      entry.target.kind,
      entry.target.id,
      entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before),
      entry.after === undefined || entry.after === null ? null : JSON.stringify(entry.after),
    ],
  );
}

/** Inserts an API key (hash only) and returns its view plus the key string, which is never stored. */
export async function insertApiKey(
  tx: EntityManager,
  schema: string,
  key: { tenantId: string; teamId: string | null; role: Role; name: string; expiresAt: Date | null },
  generated: GeneratedApiKey = generateApiKey(),
): Promise<{ view: ApiKeyView; secret: string }> {
  const rows = await tx.query<ApiKeyView[]>(
    `INSERT INTO ${quoteIdentifier(schema)}.api_key (id, tenant_id, team_id, role, name, secret_hash, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${KEY_COLUMNS}`,
    [generated.id, key.tenantId, key.teamId, key.role, key.name, generated.hash, key.expiresAt],
  );
  const view = rows[0];
  if (!view) throw new Error('the key insert returned no row');
  return { view, secret: generated.key };
}

/** The first row an INSERT/UPDATE ... RETURNING gave back (TypeORM answers UPDATE with [rows, count]). */
function returned<T>(result: T[] | [T[], number]): T {
  const rows = Array.isArray(result[0]) ? result[0] : (result as T[]);
  const row = rows[0];
  if (row === undefined) throw new Error('the statement returned no row');
  return row;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === '23505';
}

function pageOf<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
}

/**
 * Tenants, teams, API keys and the audit log. Every query is scoped by the caller's tenant: another tenant's
 * resource is simply not found (404). Every change writes its audit entry and its event in one transaction.
 */
@Injectable()
export class AdminService {
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

  // --- tenant -------------------------------------------------------------------------------------------

  async currentTenant(principal: Principal): Promise<TenantView> {
    const rows = await this.dataSource.query<TenantView[]>(
      `SELECT ${TENANT_COLUMNS} FROM ${this.s}.tenant WHERE id = $1`,
      [principal.tenantId],
    );
    if (!rows[0]) throw new NotFoundException('no such tenant');
    return rows[0];
  }

  async updateTenant(principal: Principal, change: { name: string }): Promise<TenantView> {
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

  // --- teams --------------------------------------------------------------------------------------------

  async listTeams(
    principal: Principal,
    query: { limit: number; cursor?: string | undefined },
  ): Promise<Page<TeamView>> {
    const rows = await this.dataSource.query<TeamView[]>(
      `SELECT ${TEAM_COLUMNS} FROM ${this.s}.team
       WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid) AND ($3::uuid IS NULL OR id = $3::uuid)
       ORDER BY id LIMIT $4`,
      [principal.tenantId, query.cursor ?? null, principal.role === 'admin' ? null : principal.teamId, query.limit + 1],
    );
    return pageOf(rows, query.limit);
  }

  async getTeam(principal: Principal, teamId: string): Promise<TeamView> {
    const team = await this.findTeam(this.dataSource.manager, principal.tenantId, teamId);
    if (!canSeeTeam(principal, team.id)) throw new ForbiddenException('a developer key sees its own team only');
    return team;
  }

  async createTeam(principal: Principal, input: { name: string; description: string }): Promise<TeamView> {
    return this.dataSource.transaction(async (tx) => {
      let team: TeamView;
      try {
        const rows = await tx.query<TeamView[]>(
          `INSERT INTO ${this.s}.team (id, tenant_id, name, description) VALUES ($1, $2, $3, $4) RETURNING ${TEAM_COLUMNS}`,
          [randomUUID(), principal.tenantId, input.name, input.description],
        );
        team = returned(rows);
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictException(`a team named "${input.name}" exists`);
        throw error;
      }
      await this.publishTeam(tx, principal.tenantId, team);
      await recordAudit(tx, this.schema, principal, {
        action: 'team.create',
        target: { kind: 'team', id: team.id },
        before: null,
        after: { name: team.name, description: team.description },
      });
      return team;
    });
  }

  async updateTeam(
    principal: Principal,
    teamId: string,
    change: { name?: string | undefined; description?: string | undefined },
  ): Promise<TeamView> {
    return this.dataSource.transaction(async (tx) => {
      const before = await this.findTeam(tx, principal.tenantId, teamId, true);
      let team: TeamView;
      try {
        team = returned<TeamView>(
          await tx.query(
            `UPDATE ${this.s}.team SET name = $3, description = $4, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 RETURNING ${TEAM_COLUMNS}`,
            [principal.tenantId, teamId, change.name ?? before.name, change.description ?? before.description],
          ),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictException(`a team named "${change.name ?? ''}" exists`);
        throw error;
      }
      await this.publishTeam(tx, principal.tenantId, team);
      await recordAudit(tx, this.schema, principal, {
        action: 'team.update',
        target: { kind: 'team', id: team.id },
        before: { name: before.name, description: before.description },
        after: { name: team.name, description: team.description },
      });
      return team;
    });
  }

  /** Deletes a team that no usable key belongs to (its revoked keys go with it); a tombstone removes it downstream. */
  async deleteTeam(principal: Principal, teamId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const before = await this.findTeam(tx, principal.tenantId, teamId, true);
      const live = await tx.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM ${this.s}.api_key WHERE team_id = $1 AND revoked_at IS NULL`,
        [teamId],
      );
      if ((live[0]?.n ?? 0) > 0) {
        throw new ConflictException('the team still has API keys that are not revoked: revoke them first');
      }
      await tx.query(`DELETE FROM ${this.s}.api_key WHERE team_id = $1`, [teamId]);
      await tx.query(`DELETE FROM ${this.s}.team WHERE tenant_id = $1 AND id = $2`, [principal.tenantId, teamId]);
      await this.outbox.appendTombstone(
        tx,
        Topics.registry,
        TeamUpsertedV1.key(principal.tenantId, { ...before, teamId }),
      );
      await recordAudit(tx, this.schema, principal, {
        action: 'team.delete',
        target: { kind: 'team', id: teamId },
        before: { name: before.name, description: before.description },
        after: null,
      });
    });
  }

  // --- API keys -----------------------------------------------------------------------------------------

  async listKeys(
    principal: Principal,
    query: { limit: number; cursor?: string | undefined; teamId?: string | undefined },
  ): Promise<Page<ApiKeyView>> {
    const rows = await this.dataSource.query<ApiKeyView[]>(
      `SELECT ${KEY_COLUMNS} FROM ${this.s}.api_key
       WHERE tenant_id = $1 AND ($2::text IS NULL OR id > $2) AND ($3::uuid IS NULL OR team_id = $3::uuid)
       ORDER BY id LIMIT $4`,
      [principal.tenantId, query.cursor ?? null, query.teamId ?? null, query.limit + 1],
    );
    return pageOf(rows, query.limit);
  }

  async getKey(principal: Principal, keyId: string): Promise<ApiKeyView> {
    return this.findKey(this.dataSource.manager, principal.tenantId, keyId);
  }

  async createKey(
    principal: Principal,
    input: { name: string; role: Role; teamId?: string | undefined; expiresAt?: Date | undefined },
  ): Promise<ApiKeyView & { key: string }> {
    const problem = keyScopeProblem(input.role, input.teamId);
    if (problem) throw new BadRequestException({ statusCode: 400, message: problem });
    return this.dataSource.transaction(async (tx) => {
      if (input.teamId) {
        const team = await tx.query<unknown[]>(
          `SELECT id FROM ${this.s}.team WHERE tenant_id = $1 AND id = $2 FOR SHARE`,
          [principal.tenantId, input.teamId],
        );
        if (team.length === 0) throw new BadRequestException({ statusCode: 400, message: 'teamId: no such team' });
      }
      const { view, secret } = await insertApiKey(tx, this.schema, {
        tenantId: principal.tenantId,
        teamId: input.teamId ?? null,
        role: input.role,
        name: input.name,
        expiresAt: input.expiresAt ?? null,
      });
      await recordAudit(tx, this.schema, principal, {
        action: 'key.create',
        target: { kind: 'api_key', id: view.id },
        before: null,
        after: keySummary(view),
      });
      return { ...view, key: secret };
    });
  }

  /** Revokes a key at once; revoking a revoked key changes nothing and records nothing. */
  async revokeKey(principal: Principal, keyId: string): Promise<ApiKeyView> {
    return this.dataSource.transaction(async (tx) => {
      const before = await this.findKey(tx, principal.tenantId, keyId, true);
      if (before.revokedAt !== null) return before;
      const after = returned<ApiKeyView>(
        await tx.query(
          `UPDATE ${this.s}.api_key SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING ${KEY_COLUMNS}`,
          [principal.tenantId, keyId],
        ),
      );
      await recordAudit(tx, this.schema, principal, {
        action: 'key.revoke',
        target: { kind: 'api_key', id: keyId },
        before: keySummary(before),
        after: keySummary(after),
      });
      return after;
    });
  }

  // --- audit --------------------------------------------------------------------------------------------

  async audit(
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
    const rows = await this.dataSource.query<AuditEventView[]>(
      `SELECT ${AUDIT_COLUMNS} FROM ${this.s}.audit_event
       WHERE tenant_id = $1
         AND ($2::bigint IS NULL OR id < $2::bigint)
         AND ($3::timestamptz IS NULL OR at >= $3)
         AND ($4::timestamptz IS NULL OR at < $4)
         AND ($5::text IS NULL OR actor_key_id = $5)
         AND ($6::text IS NULL OR action = $6)
       ORDER BY id DESC LIMIT $7`,
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

  // --- helpers ------------------------------------------------------------------------------------------

  private async findTeam(tx: EntityManager, tenantId: string, teamId: string, lock = false): Promise<TeamView> {
    const rows = await tx.query<TeamView[]>(
      `SELECT ${TEAM_COLUMNS} FROM ${this.s}.team WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [tenantId, teamId],
    );
    if (!rows[0]) throw new NotFoundException('no such team');
    return rows[0];
  }

  private async findKey(tx: EntityManager, tenantId: string, keyId: string, lock = false): Promise<ApiKeyView> {
    const rows = await tx.query<ApiKeyView[]>(
      `SELECT ${KEY_COLUMNS} FROM ${this.s}.api_key WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [tenantId, keyId],
    );
    if (!rows[0]) throw new NotFoundException('no such API key');
    return rows[0];
  }

  private async publishTeam(tx: EntityManager, tenantId: string, team: TeamView): Promise<void> {
    await this.outbox.append(tx, TeamUpsertedV1, {
      tenant: tenantId,
      data: { teamId: team.id, name: team.name, description: team.description },
    });
  }
}
