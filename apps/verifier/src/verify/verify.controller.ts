import { All, Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { SERVICE_CONFIG, SERVICE_LOGGER, body } from '@tessera/service-runtime';
import { MAX_TOKEN_LENGTH } from '@tessera/tokens';
import type { TokenVerifier, Verification } from '@tessera/verifier';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { VerifierConfig } from '../verifier.config';
import { TOKEN_VERIFIER } from './tokens';
import { VerificationMetrics } from './verification-metrics';

const VerifyBody = z.strictObject({
  token: z.string().max(MAX_TOKEN_LENGTH, `a token is at most ${MAX_TOKEN_LENGTH} characters`).optional(),
  /** The value of the header a bound token is bound to (e.g. the request's Authorization). */
  boundValue: z.string().max(16_384).optional(),
});

/**
 * Decisions on tokens: `POST /v1/verify` for callers that ask with JSON; `GET /v1/auth` for nginx `auth_request`
 * and `/v1/envoy/*` for Envoy's ext_authz (proxies that forward the original request's headers): 200 with the
 * token's subject in response headers, or 401. Reasons are for logs and metrics; the 401 body names the reason code only.
 */
@Controller('v1')
export class VerifyController {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(VerificationMetrics) private readonly metrics: VerificationMetrics,
    @Inject(SERVICE_CONFIG) private readonly config: VerifierConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  @Post('verify')
  @HttpCode(200)
  async verify(@Body(body(VerifyBody)) input: z.output<typeof VerifyBody>) {
    const decision = await this.decide(input.token, input.boundValue);
    return decision.accepted
      ? { decision: 'accept', tenant: decision.tenant, claims: decision.claims, cached: decision.cached }
      : { decision: 'refuse', reason: decision.reason, detail: decision.detail };
  }

  @Get('auth')
  auth(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.answerForwarded(request, response);
  }

  /**
   * Envoy's HTTP ext_authz: Envoy sends the original request's method and path under `path_prefix: /v1/envoy` with
   * its headers; 200 lets it through (Envoy copies `allowed_upstream_headers`, e.g. `tessera-device`, upstream), any
   * other status is sent back to the client with its body.
   */
  @All(['envoy', 'envoy/*path'])
  envoy(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.answerForwarded(request, response);
  }

  /** A proxy's question about the request it holds: the token and the bound value from that request's headers. */
  private async answerForwarded(request: Request, response: Response) {
    const token = request.header(this.config.VERIFIER_TOKEN_HEADER);
    const decision = await this.decide(token, request.header(this.config.VERIFIER_BOUND_HEADER));
    if (!decision.accepted) {
      response.status(401);
      return { statusCode: 401, reason: decision.reason };
    }
    response.setHeader('tessera-tenant', decision.tenant);
    response.setHeader('tessera-app', decision.claims.sub);
    response.setHeader('tessera-device', decision.claims.did);
    response.setHeader('tessera-registration', decision.claims.reg);
    response.status(200);
    return { decision: 'accept' };
  }

  private async decide(token: string | undefined, boundValue: string | undefined): Promise<Verification> {
    const started = process.hrtime.bigint();
    const decision = await this.verifier.verify(token, {
      audience: this.config.VERIFIER_AUDIENCE,
      boundValue,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (decision.accepted) this.metrics.decided('accepted', 'ok', decision.cached, seconds);
    else {
      this.metrics.decided('refused', decision.reason, false, seconds);
      // The reason and its detail, never the token; at debug, since a flood of forged tokens must not flood the logs.
      this.logger.debug({ reason: decision.reason, detail: decision.detail }, 'token refused');
    }
    return decision;
  }
}
