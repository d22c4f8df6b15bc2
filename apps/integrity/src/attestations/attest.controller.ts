import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { AttestRequestSchema, type AttestResponse } from '@tessera/contracts';
import { ApiSummary, body, RateLimits, refuse } from '@tessera/service-runtime';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { AttestationMetrics } from './attestation-metrics';
import { AttestationFlow, AttestationRefused } from './attestation-flow';
import { TokenServiceUnavailable } from './token-client';

/**
 * `POST /v1/attest`: SDK evidence in, a token out — a valid one for a pass, a failure token for a fail, the same
 * answer either way. Only what is not evidence at all is answered with an error.
 */
@Controller('v1')
export class AttestController {
  constructor(
    @Inject(AttestationFlow) private readonly flow: AttestationFlow,
    @Inject(RateLimits) private readonly limits: RateLimits<'challenge' | 'attest'>,
    @Inject(AttestationMetrics) private readonly metrics: AttestationMetrics,
  ) {}

  @Post('attest')
  @HttpCode(200)
  @ApiSummary('SDK evidence for a token: valid on pass, a failure token on fail')
  async attest(
    @Body(body(AttestRequestSchema)) input: z.output<typeof AttestRequestSchema>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AttestResponse> {
    const ip = request.ip ?? null;
    const byIp = await this.limits.take('ip', 'attest', ip ?? 'unknown');
    if (!byIp.allowed) {
      this.metrics.refusal('attest', 'rate-limited');
      throw refuse(response, 429, 'rate-limited', 'too many attestations from this address', byIp.retryAfterSeconds);
    }
    try {
      return await this.flow.attest(input.evidence, { ip });
    } catch (error) {
      if (error instanceof AttestationRefused) {
        this.metrics.refusal('attest', error.reason);
        throw refuse(response, error.status, error.reason, error.message, error.retryAfterSeconds);
      }
      if (error instanceof TokenServiceUnavailable) {
        this.metrics.refusal('attest', error.reason);
        // The nonce is spent: the SDK starts again with a new challenge, after a pause.
        throw refuse(response, 503, error.reason, 'no token could be issued in time; try again shortly', 1);
      }
      throw error;
    }
  }
}
