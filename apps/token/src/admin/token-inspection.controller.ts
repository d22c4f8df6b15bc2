import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { ApiKeyGuard, body, CurrentPrincipal, Requires } from '@tessera/service-runtime';
import type { z } from 'zod';
import { TokenInspector } from '../inspection/token-inspector';
import { InspectBody } from './signing-keys.schemas';

/**
 * Token inspection for the tenant's people and the CLI (`tessera token check`): valid or not, why, and what the
 * token says. Always 200 when the request is well formed: an invalid token is an answer, not an error.
 */
@Controller('v1/tokens')
@UseGuards(ApiKeyGuard)
export class TokenInspectionController {
  constructor(@Inject(TokenInspector) private readonly inspector: TokenInspector) {}

  @Post('inspect')
  @HttpCode(200)
  @Requires('token:inspect')
  inspect(@CurrentPrincipal() principal: Principal, @Body(body(InspectBody)) input: z.output<typeof InspectBody>) {
    return this.inspector.inspect(principal.tenantId, input.token, input.audience);
  }
}
