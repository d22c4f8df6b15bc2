import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Query, Res, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { Response } from 'express';
import type { z } from 'zod';
import { ApiKeyGuard, body, param, query } from '@tessera/service-runtime';
import { CurrentPrincipal, Requires } from '../access/principal';
import { appId } from '../apps/apps.controller';
import type { SecureStringView } from './secure-string.view';
import { ListSecureStringsQuery, PutSecureStringBody, SecureStringNameParam } from './secure-strings.schemas';
import { SecureStringsService } from './secure-strings.service';

const secureStringName = () => param(SecureStringNameParam, 'secure string name');

/** Secure strings of an app: their names and versions can be read, their values only written. */
@Controller('v1/apps/:appId/secure-strings')
@UseGuards(ApiKeyGuard)
export class SecureStringsController {
  constructor(@Inject(SecureStringsService) private readonly secureStrings: SecureStringsService) {}

  @Get()
  @Requires('app:read')
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('appId', appId()) app: string,
    @Query(query(ListSecureStringsQuery)) q: z.output<typeof ListSecureStringsQuery>,
  ) {
    return this.secureStrings.list(principal, app, q);
  }

  /** 201 when the name is new, 200 when its value is replaced (version + 1). */
  @Put(':name')
  @Requires('app:write')
  async put(
    @CurrentPrincipal() principal: Principal,
    @Param('appId', appId()) app: string,
    @Param('name', secureStringName()) name: string,
    @Body(body(PutSecureStringBody)) input: z.output<typeof PutSecureStringBody>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SecureStringView> {
    const { created, secureString } = await this.secureStrings.put(principal, app, name, input.value);
    response.status(created ? 201 : 200);
    return secureString;
  }

  @Delete(':name')
  @HttpCode(204)
  @Requires('app:write')
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('appId', appId()) app: string,
    @Param('name', secureStringName()) name: string,
  ): Promise<void> {
    await this.secureStrings.delete(principal, app, name);
  }
}
