import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { PinConfigKeySet } from '@tessera/contracts';
import { ApiKeyGuard, ApiSummary, CurrentPrincipal, param, Requires } from '@tessera/service-runtime';
import { AppIdParam } from './initial-config.schemas';
import { PinConfigKeys } from './pin-config-keys';
import { SignedPinConfigs } from './signed-pin-configs';

/** What an app ships: its config as of now, and the keys its later configs must be signed with. */
export interface InitialPinConfig {
  tenant: string;
  appId: string;
  version: number;
  /** The signed pin config (JWS), as `GET /v1/config` serves it. */
  config: string;
  /** The tenant's pins JWKS. */
  keys: PinConfigKeySet;
}

/**
 * `GET /v1/apps/:appId/pins/initial-config`: the config an app ships inside its build (`tessera pins export
 * --initial`), for the developers who build it (an API key, pins:read). The pins service does not know apps: any
 * app id gets the domains that every app of the tenant enforces, plus those naming it — the CLI checks the app
 * with the registration service first. The config expires like any other; the SDK enforces a shipped config past
 * its expiry until an update verifies, so an old build stays pinned.
 */
@Controller('v1/apps')
@UseGuards(ApiKeyGuard)
export class InitialConfigController {
  constructor(
    @Inject(SignedPinConfigs) private readonly configs: SignedPinConfigs,
    @Inject(PinConfigKeys) private readonly keys: PinConfigKeys,
  ) {}

  @Get(':appId/pins/initial-config')
  @Requires('pins:read')
  @ApiSummary('the signed pin config and pins JWKS to ship inside an app')
  async initialConfig(
    @CurrentPrincipal() principal: Principal,
    @Param('appId', param(AppIdParam, 'app id')) appId: string,
  ): Promise<InitialPinConfig> {
    const tenant = principal.tenantId;
    const [{ config, version }, keys] = await Promise.all([
      this.configs.configFor(tenant, appId),
      this.keys.jwks(tenant),
    ]);
    return { tenant, appId, version, config, keys };
  }
}
