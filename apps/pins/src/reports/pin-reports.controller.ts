import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { ApiKeyGuard, CurrentPrincipal, query, Requires } from '@tessera/service-runtime';
import { type PinReportsFilter, PinReportsQuery } from './pin-reports.schemas';
import { PinViolationReports } from './pin-violation-reports';

/** The tenant's pin-violation reports, newest first, for admins and developers. */
@Controller('v1/pin-reports')
@UseGuards(ApiKeyGuard)
export class PinReportsController {
  constructor(@Inject(PinViolationReports) private readonly reports: PinViolationReports) {}

  @Get()
  @Requires('pins:read')
  list(@CurrentPrincipal() principal: Principal, @Query(query(PinReportsQuery)) filter: PinReportsFilter) {
    return this.reports.list(principal.tenantId, filter);
  }
}
