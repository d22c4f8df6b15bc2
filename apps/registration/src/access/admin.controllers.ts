import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { z } from 'zod';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import {
  AuditQuery,
  CreateKeyBody,
  CreateTeamBody,
  KeyIdParam,
  ListKeysQuery,
  ListTeamsQuery,
  TeamIdParam,
  UpdateTeamBody,
  UpdateTenantBody,
} from './admin-api.schemas';
import { AdminService } from './admin.service';
import { ApiKeyGuard } from './api-key.guard';
import { CurrentPrincipal, Requires } from './principal';

const body = <S extends z.ZodType>(schema: S) => new ZodValidationPipe(schema, 'body');
const query = <S extends z.ZodType>(schema: S) => new ZodValidationPipe(schema, 'query');
const teamId = () => new ZodValidationPipe(TeamIdParam, 'team id');
const keyId = () => new ZodValidationPipe(KeyIdParam, 'key id');

@Controller('v1/tenants/current')
@UseGuards(ApiKeyGuard)
export class TenantsController {
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

  @Get()
  @Requires('tenant:read')
  get(@CurrentPrincipal() principal: Principal) {
    return this.admin.currentTenant(principal);
  }

  @Patch()
  @Requires('tenant:write')
  update(
    @CurrentPrincipal() principal: Principal,
    @Body(body(UpdateTenantBody)) change: z.output<typeof UpdateTenantBody>,
  ) {
    return this.admin.updateTenant(principal, change);
  }
}

@Controller('v1/teams')
@UseGuards(ApiKeyGuard)
export class TeamsController {
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

  @Get()
  @Requires('team:read')
  list(@CurrentPrincipal() principal: Principal, @Query(query(ListTeamsQuery)) q: z.output<typeof ListTeamsQuery>) {
    return this.admin.listTeams(principal, q);
  }

  @Post()
  @Requires('team:write')
  create(@CurrentPrincipal() principal: Principal, @Body(body(CreateTeamBody)) input: z.output<typeof CreateTeamBody>) {
    return this.admin.createTeam(principal, input);
  }

  @Get(':teamId')
  @Requires('team:read')
  get(@CurrentPrincipal() principal: Principal, @Param('teamId', teamId()) id: string) {
    return this.admin.getTeam(principal, id);
  }

  @Patch(':teamId')
  @Requires('team:write')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('teamId', teamId()) id: string,
    @Body(body(UpdateTeamBody)) change: z.output<typeof UpdateTeamBody>,
  ) {
    return this.admin.updateTeam(principal, id, change);
  }

  @Delete(':teamId')
  @HttpCode(204)
  @Requires('team:write')
  async remove(@CurrentPrincipal() principal: Principal, @Param('teamId', teamId()) id: string): Promise<void> {
    await this.admin.deleteTeam(principal, id);
  }
}

@Controller('v1/keys')
@UseGuards(ApiKeyGuard)
@Requires('key:manage')
export class KeysController {
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query(query(ListKeysQuery)) q: z.output<typeof ListKeysQuery>) {
    return this.admin.listKeys(principal, q);
  }

  /** The only answer that ever contains the key: store it now. */
  @Post()
  create(@CurrentPrincipal() principal: Principal, @Body(body(CreateKeyBody)) input: z.output<typeof CreateKeyBody>) {
    return this.admin.createKey(principal, input);
  }

  @Get(':keyId')
  get(@CurrentPrincipal() principal: Principal, @Param('keyId', keyId()) id: string) {
    return this.admin.getKey(principal, id);
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  revoke(@CurrentPrincipal() principal: Principal, @Param('keyId', keyId()) id: string) {
    return this.admin.revokeKey(principal, id);
  }
}

@Controller('v1/audit')
@UseGuards(ApiKeyGuard)
@Requires('audit:read')
export class AuditController {
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query(query(AuditQuery)) q: z.output<typeof AuditQuery>) {
    return this.admin.audit(principal, q);
  }
}
