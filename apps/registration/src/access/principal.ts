import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Permission, Principal } from '@tessera/access';

export const PERMISSION = Symbol('tessera-permission');

/** The permission an endpoint needs; the API key guard refuses other roles with 403. */
export const Requires = (permission: Permission) => SetMetadata(PERMISSION, permission);

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** The caller, as the API key guard established it. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without ApiKeyGuard');
  return principal;
});
