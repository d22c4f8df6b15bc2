import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { z } from 'zod';
import { ApiKeyGuard, body, param, query } from '@tessera/service-runtime';
import { CurrentPrincipal, Requires } from '../access/principal';
import { CreateTeamBody, ListTeamsQuery, TeamIdParam, UpdateTeamBody } from './teams.schemas';
import { TeamsService } from './teams.service';

const teamId = () => param(TeamIdParam, 'team id');

@Controller('v1/teams')
@UseGuards(ApiKeyGuard)
export class TeamsController {
  constructor(@Inject(TeamsService) private readonly teams: TeamsService) {}

  @Get()
  @Requires('team:read')
  list(@CurrentPrincipal() principal: Principal, @Query(query(ListTeamsQuery)) q: z.output<typeof ListTeamsQuery>) {
    return this.teams.list(principal, q);
  }

  @Post()
  @Requires('team:write')
  create(@CurrentPrincipal() principal: Principal, @Body(body(CreateTeamBody)) input: z.output<typeof CreateTeamBody>) {
    return this.teams.create(principal, input);
  }

  @Get(':teamId')
  @Requires('team:read')
  get(@CurrentPrincipal() principal: Principal, @Param('teamId', teamId()) id: string) {
    return this.teams.get(principal, id);
  }

  @Patch(':teamId')
  @Requires('team:write')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('teamId', teamId()) id: string,
    @Body(body(UpdateTeamBody)) change: z.output<typeof UpdateTeamBody>,
  ) {
    return this.teams.update(principal, id, change);
  }

  @Delete(':teamId')
  @HttpCode(204)
  @Requires('team:write')
  async remove(@CurrentPrincipal() principal: Principal, @Param('teamId', teamId()) id: string): Promise<void> {
    await this.teams.delete(principal, id);
  }
}
