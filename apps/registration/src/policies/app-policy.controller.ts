import { Body, Controller, Inject, Param, Put, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { z } from 'zod';
import { ApiKeyGuard, body, param } from '@tessera/service-runtime';
import { CurrentPrincipal, Requires } from '../access/principal';
import { AppIdParam } from '../apps/apps.schemas';
import { AppPolicyService } from './app-policy.service';
import { AssignPolicyBody } from './policies.schemas';

/** `PUT /v1/apps/:appId/policy`: policy assignment is policy work (admins), even though it changes an app. */
@Controller('v1/apps')
@UseGuards(ApiKeyGuard)
export class AppPolicyController {
  constructor(@Inject(AppPolicyService) private readonly appPolicy: AppPolicyService) {}

  @Put(':appId/policy')
  @Requires('policy:write')
  assign(
    @CurrentPrincipal() principal: Principal,
    @Param('appId', param(AppIdParam, 'app id')) id: string,
    @Body(body(AssignPolicyBody)) input: z.output<typeof AssignPolicyBody>,
  ) {
    return this.appPolicy.assign(principal, id, input.policyId);
  }
}
