import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { z } from 'zod';
import { ApiKeyGuard, body, param, query } from '@tessera/service-runtime';
import { CurrentPrincipal, Requires } from '../access/principal';
import { CreateKeyBody, KeyIdParam, ListKeysQuery } from './api-keys.schemas';
import { ApiKeysService } from './api-keys.service';

const keyId = () => param(KeyIdParam, 'key id');

@Controller('v1/keys')
@UseGuards(ApiKeyGuard)
@Requires('key:manage')
export class ApiKeysController {
  constructor(@Inject(ApiKeysService) private readonly keys: ApiKeysService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query(query(ListKeysQuery)) q: z.output<typeof ListKeysQuery>) {
    return this.keys.list(principal, q);
  }

  /** The only answer that ever contains the key: store it now. */
  @Post()
  create(@CurrentPrincipal() principal: Principal, @Body(body(CreateKeyBody)) input: z.output<typeof CreateKeyBody>) {
    return this.keys.create(principal, input);
  }

  @Get(':keyId')
  get(@CurrentPrincipal() principal: Principal, @Param('keyId', keyId()) id: string) {
    return this.keys.get(principal, id);
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  revoke(@CurrentPrincipal() principal: Principal, @Param('keyId', keyId()) id: string) {
    return this.keys.revoke(principal, id);
  }
}
