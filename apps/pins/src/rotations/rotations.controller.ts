import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { ApiKeyGuard, body, CurrentPrincipal, param, Requires } from '@tessera/service-runtime';
import { DomainIdParam } from '../domains/domains.schemas';
import {
  type EmergencyReplace,
  EmergencyReplaceBody,
  type PlanRotation,
  PlanRotationBody,
  type Retire,
  RetireBody,
  RotationIdParam,
} from './rotations.schemas';
import { RotationsService } from './rotations.service';

const domainId = () => param(DomainIdParam, 'domain id');
const rotationId = () => param(RotationIdParam, 'rotation id');

/** Pin rotations of the tenant's protected domains, in the order that never locks an app out; emergency replace. */
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class RotationsController {
  constructor(@Inject(RotationsService) private readonly rotations: RotationsService) {}

  @Post('domains/:domainId/rotations')
  @Requires('pins:write')
  plan(
    @CurrentPrincipal() principal: Principal,
    @Param('domainId', domainId()) id: string,
    @Body(body(PlanRotationBody)) input: PlanRotation,
  ) {
    return this.rotations.plan(principal, id, input);
  }

  @Get('domains/:domainId/rotations')
  @Requires('pins:read')
  list(@CurrentPrincipal() principal: Principal, @Param('domainId', domainId()) id: string) {
    return this.rotations.list(principal, id);
  }

  @Get('rotations/:rotationId')
  @Requires('pins:read')
  get(@CurrentPrincipal() principal: Principal, @Param('rotationId', rotationId()) id: string) {
    return this.rotations.get(principal, id);
  }

  @Post('rotations/:rotationId/retire')
  @HttpCode(200)
  @Requires('pins:write')
  retire(
    @CurrentPrincipal() principal: Principal,
    @Param('rotationId', rotationId()) id: string,
    @Body(body(RetireBody)) input: Retire,
  ) {
    return this.rotations.retire(principal, id, input);
  }

  @Post('rotations/:rotationId/cancel')
  @HttpCode(200)
  @Requires('pins:write')
  cancel(@CurrentPrincipal() principal: Principal, @Param('rotationId', rotationId()) id: string) {
    return this.rotations.cancel(principal, id);
  }

  @Post('domains/:domainId/emergency-replace')
  @HttpCode(200)
  @Requires('pins:write')
  emergencyReplace(
    @CurrentPrincipal() principal: Principal,
    @Param('domainId', domainId()) id: string,
    @Body(body(EmergencyReplaceBody)) input: EmergencyReplace,
  ) {
    return this.rotations.emergencyReplace(principal, id, input);
  }
}
