import { Controller, Get, Header, HttpException, Inject, Param, Req } from '@nestjs/common';
import { SecureStringsView } from '@tessera/registry-view';
import { Keyring } from '@tessera/sealing';
import { type PinConfigKeySet, TenantIdSchema, TOKEN_HEADER } from '@tessera/contracts';
import { ApiSummary, param, SERVICE_LOGGER } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import type { TokenVerifier } from '@tessera/verifier';
import type { Request } from 'express';
import { PinConfigKeys } from './pin-config-keys';
import { openSecureStrings } from './secure-string-delivery';
import { SignedPinConfigs } from './signed-pin-configs';
import { PINS_TOKEN_VERIFIER } from './tokens';

/**
 * `GET /v1/config`: the app's signed pin config, only to a request with a valid Tessera token for that app (checked
 * by the verifier library against this node's view of keys and revocations); anything else is a bare 401, which
 * says nothing about why. `GET /tenants/:tenant/pins/jwks.json`: the keys the configs are signed with.
 */
@Controller()
export class PinConfigController {
  constructor(
    @Inject(PINS_TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(SignedPinConfigs) private readonly configs: SignedPinConfigs,
    @Inject(PinConfigKeys) private readonly keys: PinConfigKeys,
    @Inject(SecureStringsView) private readonly secureStrings: SecureStringsView,
    @Inject(Keyring) private readonly keyring: Keyring,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  @Get('v1/config')
  // It carries the app's secrets: no cache on the way may keep it.
  @Header('Cache-Control', 'no-store')
  @ApiSummary("the app's signed pin config and its secure strings, for a valid Tessera token")
  async config(
    @Req() request: Request,
  ): Promise<{ config: string; version: number; secureStrings: Record<string, string> }> {
    // A revoked device or installation, a failure token, a forged or expired one: the same bare 401.
    const decision = await this.verifier.verify(request.header(TOKEN_HEADER), {});
    if (!decision.accepted) throw new HttpException({ statusCode: 401 }, 401);
    const { tenant, claims } = decision;
    const { config, version } = await this.configs.configFor(tenant, claims.sub);
    const secureStrings = openSecureStrings(this.secureStrings, this.keyring, tenant, claims.sub, this.logger);
    return { config, version, secureStrings };
  }

  @Get('tenants/:tenant/pins/jwks.json')
  @ApiSummary("the public keys a tenant's pin configs are signed with (apps ship them)")
  jwks(@Param('tenant', param(TenantIdSchema, 'tenant id')) tenant: string): Promise<PinConfigKeySet> {
    return this.keys.jwks(tenant);
  }
}
