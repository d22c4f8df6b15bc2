import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { protect, type ProtectionOptions, type TesseraIdentity } from './protection';

/**
 * Thrown in enforce mode. It has the shape of an `http-errors` error (status, statusCode, expose), which Nest's
 * exception filter answers with its status: 401 and the message, without the library depending on Nest.
 */
export class TesseraUnauthorized extends Error {
  readonly status = 401;
  readonly statusCode = 401;
  readonly expose = true;

  constructor(readonly reason: string) {
    super(`the Tessera token was refused: ${reason}`);
  }
}

/**
 * A NestJS guard, per route or controller: `@UseGuards(new TesseraGuard({verifier, mode: 'monitor'}))`. Plain
 * TypeScript (no Nest at run time), so the library stays framework-free; an accepted request carries
 * `request.tessera`.
 */
export class TesseraGuard implements CanActivate {
  constructor(private readonly options: ProtectionOptions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IncomingMessage & { tessera?: TesseraIdentity }>();
    const outcome = await protect(request.headers, this.options);
    if (outcome.identity) request.tessera = outcome.identity;
    if (!outcome.allowed) throw new TesseraUnauthorized(outcome.decision.accepted ? 'ok' : outcome.decision.reason);
    return true;
  }
}
