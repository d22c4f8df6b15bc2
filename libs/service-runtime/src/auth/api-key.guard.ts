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
import { authenticateApiKey, can, type Permission } from '@tessera/access';
import { PERMISSION } from '../http/requires';
import { DocumentedAsApiKeyGuard } from '../openapi/api-metadata';
import { ApiKeyDirectory } from './api-key-directory';
import type { AuthenticatedRequest } from './current-principal';

/**
 * `Authorization: Bearer tsk_<id>_<secret>`, checked against the service's ApiKeyDirectory. Missing, malformed,
 * unknown, wrong, expired and revoked keys (and keys of a suspended tenant) all get the same 401, so the answer
 * tells an attacker nothing. A valid key whose role lacks the endpoint's permission (`@Requires`) gets 403: only
 * ever about the caller's own tenant, since every resource lookup is scoped to it.
 */
@Injectable()
@DocumentedAsApiKeyGuard()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(ApiKeyDirectory) private readonly directory: ApiKeyDirectory,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // A service listens before its keys can be looked up (see /health/ready): say so, not 500 or a wrong 401.
    if (!this.directory.isReady()) {
      throw new ServiceUnavailableException('the database is not ready yet; retry shortly');
    }
    const now = new Date();
    const principal = await authenticateApiKey(request.headers.authorization, (id) => this.directory.find(id), now);
    if (!principal) throw new UnauthorizedException('a valid API key is required: Authorization: Bearer tsk_...');
    await this.directory.recordUse?.(principal.keyId, now);
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
}
