import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { z } from 'zod';
import { ApiKeyGuard, body, param, query } from '@tessera/service-runtime';
import { CurrentPrincipal, Requires } from '../access/principal';
import { CreatePolicyBody, ListPoliciesQuery, PolicyIdParam, UpdatePolicyBody } from './policies.schemas';
import { PoliciesService } from './policies.service';

const policyId = () => param(PolicyIdParam, 'policy id');

@Controller('v1/policies')
@UseGuards(ApiKeyGuard)
export class PoliciesController {
  constructor(@Inject(PoliciesService) private readonly policies: PoliciesService) {}

  // Before `:policyId`, which would otherwise take "presets" for an (invalid) id.
  @Get('presets')
  @Requires('policy:read')
  presets() {
    return this.policies.presets();
  }

  @Get()
  @Requires('policy:read')
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(query(ListPoliciesQuery)) q: z.output<typeof ListPoliciesQuery>,
  ) {
    return this.policies.list(principal, q);
  }

  @Post()
  @Requires('policy:write')
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(body(CreatePolicyBody)) input: z.output<typeof CreatePolicyBody>,
  ) {
    return this.policies.create(principal, input);
  }

  @Get(':policyId')
  @Requires('policy:read')
  get(@CurrentPrincipal() principal: Principal, @Param('policyId', policyId()) id: string) {
    return this.policies.get(principal, id);
  }

  @Patch(':policyId')
  @Requires('policy:write')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('policyId', policyId()) id: string,
    @Body(body(UpdatePolicyBody)) change: z.output<typeof UpdatePolicyBody>,
  ) {
    return this.policies.update(principal, id, change);
  }

  @Delete(':policyId')
  @HttpCode(204)
  @Requires('policy:write')
  async remove(@CurrentPrincipal() principal: Principal, @Param('policyId', policyId()) id: string): Promise<void> {
    await this.policies.delete(principal, id);
  }
}
