import { Inject, Injectable } from '@nestjs/common';
import type { ResultData, TokenIssuanceV1 } from '@tessera/contracts';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { issueClaims, signToken, type TokenIssuanceRequest } from '@tessera/tokens';
import { FailureKeyRing } from '../keys/failure-key-ring';
import { SignerCache } from '../keys/signer-cache';
import { SigningKeysService } from '../keys/signing-keys.service';
import type { TokenConfig } from '../token.config';
import { IssuanceMetrics } from './issuance-metrics';
import { TokenIssuedEvents } from './token-issued-events';

/** Why a token could not be issued, for the reply: the caller answers its client 503. */
export class IssuanceUnavailable extends Error {}

/**
 * Issues the token of an attestation: a valid one for `pass`, for `fail` a failure token with the same header (the
 * tenant's active kid) and the same claims, signed by a failure key nobody trusts. A tenant met for the first time
 * gets its keys first.
 */
@Injectable()
export class TokenIssuance {
  constructor(
    @Inject(SignerCache) private readonly signers: SignerCache,
    @Inject(SigningKeysService) private readonly keys: SigningKeysService,
    @Inject(FailureKeyRing) private readonly failureKeys: FailureKeyRing,
    @Inject(IssuanceMetrics) private readonly metrics: IssuanceMetrics,
    @Inject(TokenIssuedEvents) private readonly events: TokenIssuedEvents,
    @Inject(SERVICE_CONFIG) private readonly config: TokenConfig,
  ) {}

  async issue(
    request: TokenIssuanceRequest,
    context: { clientIp?: string } = {},
  ): Promise<ResultData<typeof TokenIssuanceV1>> {
    let signer = await this.signers.active(request.tenant);
    if (!signer) {
      await this.keys.applySchedule(request.tenant);
      signer = await this.signers.active(request.tenant);
    }
    if (!signer) throw new IssuanceUnavailable(`tenant ${request.tenant} has no active signing key`);
    const now = new Date();
    const lifetimeSeconds = Math.min(request.lifetimeSeconds, this.config.TOKEN_MAX_LIFETIME_SECONDS);
    const claims = issueClaims(request, { issuer: signer.issuer, audience: signer.audience, now, lifetimeSeconds });
    const outcome = request.verdict === 'pass' ? 'valid' : 'failure';
    const started = process.hrtime.bigint();
    const token =
      outcome === 'valid'
        ? await signToken(signer.key, claims)
        : await signToken(await this.failureKeys.signer(signer.key.alg), claims, signer.key.kid);
    this.metrics.signed(signer.key.alg, Number(process.hrtime.bigint() - started) / 1e9);
    this.metrics.issued(request.tenant, request.appId, outcome);
    const expiresAt = new Date(claims.exp * 1000).toISOString();
    this.events.add(request.tenant, {
      jti: claims.jti,
      outcome,
      appId: request.appId,
      registrationId: request.registrationId ?? null,
      deviceId: claims.did,
      installationKeyThumbprint: request.installationKeyThumbprint ?? null,
      kid: signer.key.kid,
      alg: signer.key.alg,
      issuedAt: now.toISOString(),
      expiresAt,
      bound: claims.pay !== undefined,
      clientIp: request.clientIp ?? context.clientIp ?? null,
    });
    return { token, expiresAt, lifetimeSeconds, kid: signer.key.kid };
  }
}
