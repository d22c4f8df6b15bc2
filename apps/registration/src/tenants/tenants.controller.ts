import { Body, Controller, Get, Inject, Patch, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { z } from 'zod';
import { ApiKeyGuard, body } from '@tessera/service-runtime';
import { CurrentPrincipal, Requires } from '../access/principal';
import { UpdateTenantBody } from './tenants.schemas';
import { TenantsService } from './tenants.service';

@Controller('v1/tenants/current')
@UseGuards(ApiKeyGuard)
export class TenantsController {
  constructor(@Inject(TenantsService) private readonly tenants: TenantsService) {}

  @Get()
  @Requires('tenant:read')
  get(@CurrentPrincipal() principal: Principal) {
    return this.tenants.current(principal);
  }

  @Patch()
  @Requires('tenant:write')
  update(
    @CurrentPrincipal() principal: Principal,
    @Body(body(UpdateTenantBody)) change: z.output<typeof UpdateTenantBody>,
  ) {
    return this.tenants.update(principal, change);
  }
}
