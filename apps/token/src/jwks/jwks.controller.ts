import { Controller, Get, Header, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { TenantIdSchema } from '@tessera/contracts';
import { param } from '@tessera/service-runtime';
import { jwksDocument } from '@tessera/tokens';
import type { Response } from 'express';
import { JwksSnapshot } from './jwks-snapshot';

/**
 * The JWKS, public: every tenant's published keys at `/.well-known/jwks.json`, one tenant's at
 * `/tenants/<tenant>/.well-known/jwks.json` (the `iss` of its tokens plus `/.well-known/jwks.json`). Cached by
 * clients for TOKEN_JWKS_MAX_AGE_SECONDS, which never exceeds the publish lead: a cached copy always holds the key
 * that signs next.
 */
@Controller()
export class JwksController {
  constructor(@Inject(JwksSnapshot) private readonly snapshot: JwksSnapshot) {}

  @Get('.well-known/jwks.json')
  @Header('content-type', 'application/jwk-set+json')
  async all(@Res({ passthrough: true }) response: Response) {
    const keys = await this.snapshot.keys();
    response.setHeader('cache-control', this.snapshot.cacheControl);
    return jwksDocument(keys);
  }

  @Get('tenants/:tenant/.well-known/jwks.json')
  @Header('content-type', 'application/jwk-set+json')
  async ofTenant(
    @Param('tenant', param(TenantIdSchema, 'tenant id')) tenant: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const keys = (await this.snapshot.keys()).filter((key) => key.tenantId === tenant);
    if (keys.length === 0 && !(await this.snapshot.hasTenant(tenant))) {
      throw new NotFoundException(`no tenant ${tenant} signs tokens here`);
    }
    response.setHeader('cache-control', this.snapshot.cacheControl);
    return jwksDocument(keys);
  }
}
