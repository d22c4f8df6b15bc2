import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { z } from 'zod';
import { ApiKeyGuard, body, param, query } from '@tessera/service-runtime';
import { CurrentPrincipal, Requires } from '../access/principal';
import { CreateOverrideBody, ListOverridesQuery, OverrideIdParam } from './device-overrides.schemas';
import { DeviceOverridesService } from './device-overrides.service';

const overrideId = () => param(OverrideIdParam, 'device override id');

@Controller('v1/device-overrides')
@UseGuards(ApiKeyGuard)
export class DeviceOverridesController {
  constructor(@Inject(DeviceOverridesService) private readonly overrides: DeviceOverridesService) {}

  @Get()
  @Requires('policy:read')
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(query(ListOverridesQuery)) q: z.output<typeof ListOverridesQuery>,
  ) {
    return this.overrides.list(principal, q);
  }

  @Post()
  @Requires('policy:write')
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(body(CreateOverrideBody)) input: z.output<typeof CreateOverrideBody>,
  ) {
    return this.overrides.create(principal, input);
  }

  @Get(':overrideId')
  @Requires('policy:read')
  get(@CurrentPrincipal() principal: Principal, @Param('overrideId', overrideId()) id: string) {
    return this.overrides.get(principal, id);
  }

  @Delete(':overrideId')
  @HttpCode(204)
  @Requires('policy:write')
  async remove(@CurrentPrincipal() principal: Principal, @Param('overrideId', overrideId()) id: string): Promise<void> {
    await this.overrides.delete(principal, id);
  }
}
