import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '@tessera/access';

/** A request as ApiKeyGuard leaves it: with the caller it authenticated. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** The caller, as ApiKeyGuard established it. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  // A programming error (the route forgot the guard), not the caller's: 500, never a request without a principal.
  if (!principal) throw new Error('CurrentPrincipal used on a route without ApiKeyGuard');
  return principal;
});
