import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { ApiKeyGuard, body, CurrentPrincipal, param, Requires } from '@tessera/service-runtime';
import type { z } from 'zod';
import { CreateDomainBody, DomainIdParam } from './domains.schemas';
import { DomainsService } from './domains.service';

const domainId = () => param(DomainIdParam, 'domain id');

/** The tenant's protected API domains and their pin sets: admins change them, developers read. */
@Controller('v1/domains')
@UseGuards(ApiKeyGuard)
export class DomainsController {
  constructor(@Inject(DomainsService) private readonly domains: DomainsService) {}

  @Post()
  @Requires('pins:write')
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(body(CreateDomainBody)) input: z.output<typeof CreateDomainBody>,
  ) {
    return this.domains.create(principal, input);
  }

  @Get()
  @Requires('pins:read')
  list(@CurrentPrincipal() principal: Principal) {
    return this.domains.list(principal);
  }

  @Get(':domainId')
  @Requires('pins:read')
  get(@CurrentPrincipal() principal: Principal, @Param('domainId', domainId()) id: string) {
    return this.domains.get(principal, id);
  }

  @Delete(':domainId')
  @HttpCode(204)
  @Requires('pins:write')
  async remove(@CurrentPrincipal() principal: Principal, @Param('domainId', domainId()) id: string): Promise<void> {
    await this.domains.remove(principal, id);
  }
}
