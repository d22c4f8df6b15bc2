import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  can,
  isKeyUsable,
  parseApiKey,
  type Permission,
  type Principal,
  type Role,
  secretMatches,
} from '@tessera/access';
import { DatabaseConnection } from '@tessera/database';
import { DocumentedAsApiKeyGuard } from '@tessera/service-runtime';
import { RegistryStore } from '../persistence/registry-store';
import { type AuthenticatedRequest, PERMISSION } from './principal';

interface KeyRow {
  id: string;
  tenantId: string;
  teamId: string | null;
  role: Role;
  secretHash: Buffer;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  tenantStatus: string;
}

/** last_used_at is written at most this often per key, so authentication is not a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * `Authorization: Bearer tsk_<id>_<secret>`. Missing, malformed, unknown, wrong, expired and revoked keys (and
 * keys of a suspended tenant) all get the same 401, so the answer tells an attacker nothing. A valid key whose
 * role lacks the endpoint's permission gets 403: only ever about the caller's own tenant, since every resource
 * lookup is scoped to it.
 */
@Injectable()
@DocumentedAsApiKeyGuard()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // The service listens before Postgres is connected and migrated (see /health/ready): say so, not 500.
    if (!this.database.isMigrated)
      throw new ServiceUnavailableException('the database is not ready yet; retry shortly');
    const principal = await this.authenticate(request.headers.authorization);
    if (!principal) throw new UnauthorizedException('a valid API key is required: Authorization: Bearer tsk_...');
    request.principal = principal;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (permission && !can(principal, permission)) {
      throw new ForbiddenException(`the ${principal.role} role may not do this (needs ${permission})`);
    }
    return true;
  }

  private async authenticate(header: string | string[] | undefined): Promise<Principal | undefined> {
    if (typeof header !== 'string') return undefined;
    const match = /^Bearer +(\S+)$/i.exec(header);
    const parsed = match?.[1] ? parseApiKey(match[1]) : undefined;
    if (!parsed) return undefined;
    const rows = await this.store.dataSource.query<KeyRow[]>(
      `SELECT k.id, k.tenant_id AS "tenantId", k.team_id AS "teamId", k.role, k.secret_hash AS "secretHash",
              k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt", k.last_used_at AS "lastUsedAt",
              t.status AS "tenantStatus"
       FROM ${this.store.table('api_key')} k JOIN ${this.store.table('tenant')} t ON t.id = k.tenant_id
       WHERE k.id = $1`,
      [parsed.id],
    );
    const key = rows[0];
    if (!key || !secretMatches(parsed.secret, key.secretHash)) return undefined;
    const now = new Date();
    if (!isKeyUsable(key, now) || key.tenantStatus !== 'active') return undefined;
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.store.dataSource.query(
        `UPDATE ${this.store.table('api_key')} SET last_used_at = now() WHERE id = $1`,
        [key.id],
      );
    }
    return { tenantId: key.tenantId, keyId: key.id, role: key.role, teamId: key.teamId };
  }
}
