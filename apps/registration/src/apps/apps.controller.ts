import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { z } from 'zod';
import { ApiKeyGuard, body, param, query } from '@tessera/service-runtime';
import { CurrentPrincipal, Requires } from '../access/principal';
import { AppIdParam, CreateAppBody, ListAppsQuery, UpdateAppBody } from './apps.schemas';
import { AppsService } from './apps.service';

export const appId = () => param(AppIdParam, 'app id');

@Controller('v1/apps')
@UseGuards(ApiKeyGuard)
export class AppsController {
  constructor(@Inject(AppsService) private readonly apps: AppsService) {}

  @Get()
  @Requires('app:read')
  list(@CurrentPrincipal() principal: Principal, @Query(query(ListAppsQuery)) q: z.output<typeof ListAppsQuery>) {
    return this.apps.list(principal, q);
  }

  @Post()
  @Requires('app:write')
  create(@CurrentPrincipal() principal: Principal, @Body(body(CreateAppBody)) input: z.output<typeof CreateAppBody>) {
    return this.apps.create(principal, input);
  }

  @Get(':appId')
  @Requires('app:read')
  get(@CurrentPrincipal() principal: Principal, @Param('appId', appId()) id: string) {
    return this.apps.get(principal, id);
  }

  @Patch(':appId')
  @Requires('app:write')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('appId', appId()) id: string,
    @Body(body(UpdateAppBody)) change: z.output<typeof UpdateAppBody>,
  ) {
    return this.apps.update(principal, id, change);
  }

  @Delete(':appId')
  @HttpCode(204)
  @Requires('app:write')
  async remove(@CurrentPrincipal() principal: Principal, @Param('appId', appId()) id: string): Promise<void> {
    await this.apps.delete(principal, id);
  }
}
