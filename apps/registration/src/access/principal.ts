import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '@tessera/access';

// The permission metadata lives in the service runtime, which documents it in the API document.
export { PERMISSION, Requires } from '@tessera/service-runtime';

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
