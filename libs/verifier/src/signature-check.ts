import type { KeyObject } from 'node:crypto';
import { SIGNING_ALGORITHMS, TOKEN_TYPE } from '@tessera/contracts';
import {
  defaultAudience,
  MAX_TOKEN_LENGTH,
  type TokenClaims,
  type TokenHeader,
  type TokenRefusalReason,
} from '@tessera/tokens';
import { createVerifier, type DecodedJwt, TokenError } from 'fast-jwt';
import { compactVerify } from 'jose';
import type { VerificationKeySet } from './verification-key-set';

export type SignatureCheck =
  | { valid: true; header: TokenHeader; claims: TokenClaims; tenant: string }
  | { valid: false; reason: TokenRefusalReason; detail: string };

type Verify = (token: string) => DecodedJwt;

/** Somewhere to learn a key the key events have not brought (JwksFallback): whether `kid` is known after. */
export interface UnknownKeyLookup {
  resolve(kid: string, token: string): Promise<boolean>;
}

const ALGORITHMS: ReadonlySet<string> = new Set(SIGNING_ALGORITHMS);
const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'iat', 'exp', 'jti', 'did', 'ipk', 'reg'];

/**
 * The verifier's hot path for a token it has not seen: RFC 8725 as `libs/tokens` applies it (the key the `kid` names
 * fixes the algorithm; `typ`, `kid`, the key's tenant's issuer, the audience, `exp` and `iat` with skew, the
 * required claims), with fast-jwt checking the signature and the claims: the candidate closest to the raw cost of
 * the signature in `npm run bench:verifier-hot-path` (jose costs about 1.5×). One synchronous fast-jwt verifier per
 * kid, its algorithm pinned to the key's, its own cache off (ours drops revoked tokens, fast-jwt's would not).
 * Times are checked here, against the caller's clock.
 */
export class SignatureChecker {
  private readonly verifiers = new WeakMap<KeyObject, Verify>();

  /** `unknownKeys`: where a kid no key event brought is looked up (the tenant's JWKS), if anywhere. */
  constructor(
    private readonly keys: VerificationKeySet,
    private readonly unknownKeys?: UnknownKeyLookup,
  ) {}

  /** `audiences` undefined: the default audience of the tenant whose key the token names. */
  async check(
    token: unknown,
    audiences: readonly string[] | undefined,
    now: number,
    skewMs: number,
  ): Promise<SignatureCheck> {
    if (typeof token !== 'string' || token.length === 0) return refused('missing', 'no token was given');
    if (token.length > MAX_TOKEN_LENGTH)
      return refused('malformed', `a token is at most ${MAX_TOKEN_LENGTH} characters`);
    const header = decodeHeader(token);
    if (!header) return refused('malformed', 'not a compact JWS with a JSON header');
    if (typeof header.alg !== 'string' || !ALGORITHMS.has(header.alg)) {
      return refused('algorithm-not-allowed', `alg ${JSON.stringify(header.alg)} is not one Tessera signs with`);
    }
    if (header.typ !== TOKEN_TYPE) return refused('malformed', `typ must be ${TOKEN_TYPE}`);
    if (typeof header.kid !== 'string' || header.kid.length === 0) return refused('malformed', 'kid is required');
    let key = this.keys.find(header.kid);
    if (!key && (await this.unknownKeys?.resolve(header.kid, token))) key = this.keys.find(header.kid);
    const tenant = this.keys.tenantOf(header.kid);
    if (!key || tenant === undefined) return refused('unknown-key', `no key ${header.kid} is published`);
    if (header.alg !== key.alg) {
      return refused('algorithm-not-allowed', `key ${key.kid} signs ${key.alg} only, the token says ${header.alg}`);
    }
    let claims: TokenClaims;
    try {
      claims = this.verifierFor(key.key, key.alg, key.issuer)(token).payload as TokenClaims;
    } catch (error) {
      if (error instanceof TokenError && error.code === TokenError.codes.invalidSignature) {
        return (await this.isFailureToken(token, key.alg))
          ? refused('failure-token', 'signed by a failure-token key: the attestation behind it failed')
          : refused('bad-signature', `the signature does not verify with key ${key.kid}`);
      }
      return refused(...claimRefusal(error));
    }
    if (typeof claims.exp !== 'number' || now >= claims.exp * 1000 + skewMs)
      return refused('expired', 'the token has expired (exp)');
    if (typeof claims.iat !== 'number' || claims.iat * 1000 > now + skewMs) {
      return refused('not-yet-valid', 'issued in the future (iat), beyond the clock skew');
    }
    if (!acceptsAudience(claims.aud, audiences, tenant))
      return refused('wrong-audience', 'the audience (aud) is not one accepted here');
    if (key.state === 'revoked') return refused('revoked-key', `key ${key.kid} was revoked`);
    if (key.state !== 'active' && key.state !== 'retiring' && key.state !== 'next') {
      return refused('unknown-key', `key ${key.kid} is ${key.state}`);
    }
    return { valid: true, header: { alg: key.alg, typ: TOKEN_TYPE, kid: key.kid }, claims, tenant };
  }

  private verifierFor(key: KeyObject, alg: string, issuer: string): Verify {
    let verify = this.verifiers.get(key);
    if (!verify) {
      const material = key.type === 'secret' ? key.export() : key.export({ type: 'spki', format: 'pem' }).toString();
      verify = createVerifier({
        key: material,
        algorithms: [alg as 'ES256'],
        allowedIss: issuer,
        checkTyp: TOKEN_TYPE,
        requiredClaims: REQUIRED_CLAIMS,
        ignoreExpiration: true,
        ignoreNotBefore: true,
        cache: false,
        complete: true,
      }) as Verify;
      this.verifiers.set(key, verify);
    }
    return verify;
  }

  private async isFailureToken(token: string, alg: (typeof SIGNING_ALGORITHMS)[number]): Promise<boolean> {
    for (const failureKey of this.keys.failureKeys(alg)) {
      try {
        await compactVerify(token, failureKey, { algorithms: [alg] });
        return true;
      } catch {
        // not this one
      }
    }
    return false;
  }
}

/** Whether `aud` is one accepted: one of `audiences`, or without them the tenant's default audience. */
export function acceptsAudience(aud: string, audiences: readonly string[] | undefined, tenant: string): boolean {
  return audiences ? audiences.includes(aud) : aud === defaultAudience(tenant);
}

function decodeHeader(token: string): Record<string, unknown> | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.split('.').length !== 3) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function claimRefusal(error: unknown): [TokenRefusalReason, string] {
  if (!(error instanceof TokenError)) throw error;
  if (error.code === TokenError.codes.invalidAlgorithm)
    return ['algorithm-not-allowed', 'the algorithm is not allowed'];
  if (error.code === TokenError.codes.invalidClaimValue && error.message.includes('iss')) {
    return ['wrong-issuer', 'the issuer (iss) is not the one of the key'];
  }
  // Missing or mistyped claims, a bad typ, crit headers, a payload that is not JSON: not a Tessera token.
  return ['malformed', error.message];
}

function refused(reason: TokenRefusalReason, detail: string): SignatureCheck {
  return { valid: false, reason, detail };
}
