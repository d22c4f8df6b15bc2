import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { z } from 'zod';
import { ApiKeyGuard, body, param, query } from '@tessera/service-runtime';
import { CurrentPrincipal, Requires } from '../access/principal';
import { CreateRevocationBody, ListRevocationsQuery, RevocationIdParam } from './revocations.schemas';
import { RevocationsService } from './revocations.service';

const revocationId = () => param(RevocationIdParam, 'revocation id');

/** Revocations of the tenant: admins revoke and lift, developers read. */
@Controller('v1/revocations')
@UseGuards(ApiKeyGuard)
export class RevocationsController {
  constructor(@Inject(RevocationsService) private readonly revocations: RevocationsService) {}

  @Get()
  @Requires('revocation:read')
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(query(ListRevocationsQuery)) q: z.output<typeof ListRevocationsQuery>,
  ) {
    return this.revocations.list(principal, q);
  }

  @Post()
  @Requires('revocation:write')
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(body(CreateRevocationBody)) input: z.output<typeof CreateRevocationBody>,
  ) {
    return this.revocations.create(principal, input);
  }

  @Get(':revocationId')
  @Requires('revocation:read')
  get(@CurrentPrincipal() principal: Principal, @Param('revocationId', revocationId()) id: string) {
    return this.revocations.get(principal, id);
  }

  /** Lifts the revocation. */
  @Delete(':revocationId')
  @HttpCode(204)
  @Requires('revocation:write')
  async lift(
    @CurrentPrincipal() principal: Principal,
    @Param('revocationId', revocationId()) id: string,
  ): Promise<void> {
    await this.revocations.lift(principal, id);
  }
}
