import { Body, Controller, HttpException, Inject, Post, Req, Res } from '@nestjs/common';
import { ChallengeRequestSchema, type ChallengeResponse } from '@tessera/contracts';
import { ApiSummary, body, RateLimits, refuse, SERVICE_CONFIG } from '@tessera/service-runtime';
import { RegistryView } from '@tessera/registry-view';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { IntegrityConfig } from '../integrity.config';
import { AttestationMetrics } from '../attestations/attestation-metrics';
import { ChallengeStore } from './challenge-store';

/** `POST /v1/challenge`: a single-use nonce for an app, to be signed into its next SDK evidence. */
@Controller('v1')
export class ChallengeController {
  constructor(
    @Inject(ChallengeStore) private readonly challenges: ChallengeStore,
    @Inject(RegistryView) private readonly registry: RegistryView,
    @Inject(RateLimits) private readonly limits: RateLimits<'challenge' | 'attest'>,
    @Inject(AttestationMetrics) private readonly metrics: AttestationMetrics,
    @Inject(SERVICE_CONFIG) private readonly config: IntegrityConfig,
  ) {}

  @Post('challenge')
  @ApiSummary('a nonce for the next attestation of an app (single use, short-lived)')
  async challenge(
    @Body(body(ChallengeRequestSchema)) input: z.output<typeof ChallengeRequestSchema>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ChallengeResponse> {
    const byIp = await this.limits.take('ip', 'challenge', request.ip ?? 'unknown');
    if (!byIp.allowed)
      throw this.refused(
        response,
        429,
        'rate-limited',
        'too many challenges from this address',
        byIp.retryAfterSeconds,
      );
    const byApp = await this.limits.take('app', 'challenge', `${input.tenant}/${input.appId}`);
    if (!byApp.allowed)
      throw this.refused(response, 429, 'rate-limited', 'too many challenges for this app', byApp.retryAfterSeconds);
    const status = this.registry.tenantStatus(input.tenant);
    if (!status || !this.registry.app(input.tenant, input.appId)) {
      this.metrics.challenge('unknown-app');
      throw this.refused(response, 404, 'unknown-app', `no app ${input.appId} in tenant ${input.tenant}`);
    }
    if (status === 'suspended') {
      this.metrics.challenge('tenant-suspended');
      throw this.refused(response, 403, 'tenant-suspended', `tenant ${input.tenant} is suspended`);
    }
    const ttlSeconds = this.config.INTEGRITY_CHALLENGE_TTL_SECONDS;
    const issued = await this.challenges.issue(input.tenant, input.appId, ttlSeconds);
    this.metrics.challenge('issued');
    return { nonce: issued.nonce, expiresAt: issued.expiresAt.toISOString(), ttlSeconds };
  }

  private refused(
    response: Response,
    status: number,
    reason: string,
    message: string,
    retryAfterSeconds?: number,
  ): HttpException {
    this.metrics.refusal('challenge', reason);
    return refuse(response, status, reason, message, retryAfterSeconds);
  }
}
