import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { z } from 'zod';
import { ApiKeyGuard, query } from '@tessera/service-runtime';
import { CurrentPrincipal, Requires } from '../access/principal';
import { AuditQuery } from './audit.schemas';
import { AuditService } from './audit.service';

@Controller('v1/audit')
@UseGuards(ApiKeyGuard)
@Requires('audit:read')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query(query(AuditQuery)) q: z.output<typeof AuditQuery>) {
    return this.audit.list(principal, q);
  }
}
