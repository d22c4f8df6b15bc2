import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestData, TokenIssuanceV1 } from '@tessera/contracts';
import type { TokenClaims } from './token-claims';

export type TokenIssuanceRequest = RequestData<typeof TokenIssuanceV1>;

export interface ClaimsContext {
  issuer: string;
  audience: string;
  now: Date;
  /** The lifetime granted: the request's, capped by the service's longest. */
  lifetimeSeconds: number;
}

/**
 * The claims of the token for an attestation, whatever its verdict. A failed attestation may not have matched a
 * registration or named an installation key; its token then carries random values of the same shapes, so valid and
 * failure tokens have the same claims with the same lengths. `did` defaults to the installation id.
 */
export function issueClaims(request: TokenIssuanceRequest, context: ClaimsContext): TokenClaims {
  const iat = Math.floor(context.now.getTime() / 1000);
  const ipk = request.installationKeyThumbprint ?? randomBytes(32).toString('base64url');
  const claims: TokenClaims = {
    iss: context.issuer,
    aud: context.audience,
    sub: request.appId,
    iat,
    exp: iat + context.lifetimeSeconds,
    jti: randomUUID(),
    did: request.deviceId ?? ipk,
    ipk,
    reg: request.registrationId ?? randomUUID(),
  };
  if (request.payloadBinding !== undefined) claims.pay = request.payloadBinding;
  if (request.annotations !== undefined && Object.keys(request.annotations).length > 0)
    claims.ann = request.annotations;
  return claims;
}
