import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { ApiKeyGuard, body, CurrentPrincipal, param, Requires } from '@tessera/service-runtime';
import type { z } from 'zod';
import { SigningKeysService } from '../keys/signing-keys.service';
import { KidParam, RevokeBody, RotateBody, UpdateSettingsBody } from './signing-keys.schemas';

const kid = () => param(KidParam, 'key id');

/** The tenant's signing keys and settings: admins rotate, revoke and choose; developers read. */
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class SigningKeysController {
  constructor(@Inject(SigningKeysService) private readonly keys: SigningKeysService) {}

  @Get('signing-keys')
  @Requires('signing-key:read')
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.keys.list(principal.tenantId) };
  }

  @Get('signing-keys/:kid')
  @Requires('signing-key:read')
  get(@CurrentPrincipal() principal: Principal, @Param('kid', kid()) id: string) {
    return this.keys.get(principal.tenantId, id);
  }

  /** The next key signs from now; 409 while it has been published for less than the publish lead, unless forced. */
  @Post('signing-keys/rotate')
  @HttpCode(200)
  @Requires('signing-key:write')
  async rotate(@CurrentPrincipal() principal: Principal, @Body(body(RotateBody)) input: z.output<typeof RotateBody>) {
    return { items: await this.keys.rotate(principal, { force: input.force }) };
  }

  /** Emergency revocation: every token the key signed is refused at once, everywhere. */
  @Post('signing-keys/:kid/revoke')
  @HttpCode(200)
  @Requires('signing-key:write')
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('kid', kid()) id: string,
    @Body(body(RevokeBody)) input: z.output<typeof RevokeBody>,
  ) {
    return this.keys.revoke(principal, id, input.reason);
  }

  /** HS256 only: the shared secret an API server verifies with. Admins only; every export is audited. */
  @Get('signing-keys/:kid/secret')
  @Requires('signing-key:write')
  secret(@CurrentPrincipal() principal: Principal, @Param('kid', kid()) id: string) {
    return this.keys.exportSecret(principal, id);
  }

  @Get('signing-settings')
  @Requires('signing-key:read')
  settings(@CurrentPrincipal() principal: Principal) {
    return this.keys.settings(principal.tenantId);
  }

  @Put('signing-settings')
  @Requires('signing-key:write')
  updateSettings(
    @CurrentPrincipal() principal: Principal,
    @Body(body(UpdateSettingsBody)) input: z.output<typeof UpdateSettingsBody>,
  ) {
    return this.keys.updateSettings(principal, input);
  }
}
