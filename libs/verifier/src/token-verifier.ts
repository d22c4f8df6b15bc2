import { createHash } from 'node:crypto';
import { TOKEN_TYPE } from '@tessera/contracts';
import { DEFAULT_CLOCK_SKEW_SECONDS, type TokenClaims, type TokenHeader } from '@tessera/tokens';
import type { RevocationIndex } from './revocation-index';
import { acceptsAudience, SignatureChecker, type UnknownKeyLookup } from './signature-check';
import type { VerificationKeySet } from './verification-key-set';
import type { ViewFreshness } from './view/view-freshness';
import type { VerificationRefusalReason } from './verification-reasons';
import { VerifiedTokenCache } from './verified-token-cache';

export interface VerificationContext {
  /** The audiences this API accepts; by default the default audience of the tenant whose key signed the token. */
  audience?: string | readonly string[] | undefined;
  /** The request's value of the bound header (e.g. `Authorization`), for tokens that carry `pay`. */
  boundValue?: string | undefined;
  now?: number;
}

export type Verification =
  | { accepted: true; claims: TokenClaims; header: TokenHeader; tenant: string; cached: boolean }
  | { accepted: false; reason: VerificationRefusalReason; detail: string };

export interface TokenVerifierOptions {
  keys: VerificationKeySet;
  revocations: RevocationIndex;
  cache?: VerifiedTokenCache;
  clockSkewSeconds?: number;
  /** Where a kid no key event brought is looked up (a JwksFallback); by default nowhere: unknown-key. */
  unknownKeys?: UnknownKeyLookup;
  /** How current the keys and revocations are; with a fail-closed policy, a stale view refuses every token. */
  freshness?: Pick<ViewFreshness, 'refusesTokens' | 'stalenessMs' | 'policy'>;
}

/**
 * `verify(token, context)`: the token checked by the rules of RFC 8725 (SignatureChecker), then what only a verifier knows —
 * the key's state now, revoked devices, installations, registrations and tokens, and token binding. A repeated token
 * is answered from the cache of verified tokens, with every one of those checks made again.
 */
export class TokenVerifier {
  private readonly cache: VerifiedTokenCache;
  private readonly skewMs: number;
  private readonly signatures: SignatureChecker;

  constructor(private readonly options: TokenVerifierOptions) {
    this.cache = options.cache ?? new VerifiedTokenCache();
    this.signatures = new SignatureChecker(options.keys, options.unknownKeys);
    this.skewMs = (options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS) * 1000;
  }

  async verify(token: unknown, context: VerificationContext): Promise<Verification> {
    const now = context.now ?? Date.now();
    if (this.options.freshness?.refusesTokens(now)) return this.staleView(now);
    // undefined: the default audience of the tenant whose key signed the token (known once the kid is looked up).
    const audiences = typeof context.audience === 'string' ? [context.audience] : context.audience;
    let verified = typeof token === 'string' ? this.cache.get(token) : undefined;
    let fromCache = verified !== undefined;
    if (verified && !this.stillTrusted(verified, audiences, now)) {
      // Verified again from scratch, so the refusal names the reason (expired, revoked key, audience).
      this.cache.delete(token as string);
      verified = undefined;
      fromCache = false;
    }
    if (!verified) {
      const checked = await this.signatures.check(token, audiences, now, this.skewMs);
      if (!checked.valid) return { accepted: false, reason: checked.reason, detail: checked.detail };
      verified = {
        claims: checked.claims,
        kid: checked.header.kid,
        alg: checked.header.alg,
        tenant: checked.tenant,
        expiresAt: checked.claims.exp * 1000,
      };
      this.cache.set(token as string, verified);
    }
    const refusal = this.refusal(verified, context, now);
    if (refusal) {
      if (refusal.reason.startsWith('revoked-')) this.cache.delete(token as string);
      return refusal;
    }
    return {
      accepted: true,
      claims: verified.claims,
      header: { alg: verified.alg, typ: TOKEN_TYPE, kid: verified.kid },
      tenant: verified.tenant,
      cached: fromCache,
    };
  }

  /** Forgets cached verifications of tokens that have expired (they would be refused anyway); how many. */
  purgeExpired(now: number = Date.now()): number {
    return this.cache.purgeExpired(now - this.skewMs);
  }

  private staleView(now: number): Extract<Verification, { accepted: false }> {
    const freshness = this.options.freshness as NonNullable<TokenVerifierOptions['freshness']>;
    const age = freshness.stalenessMs(now);
    return refused(
      'stale-view',
      `the view of keys and revocations is ${Number.isFinite(age) ? `${Math.round(age / 1000)} s old` : 'not built yet'} ` +
        `(limit ${Math.round(freshness.policy.maxStalenessMs / 1000)} s, fail-closed)`,
    );
  }

  /** A cached verification holds while the token lives, its key is trusted and the audience is one accepted. */
  private stillTrusted(
    verified: { kid: string; tenant: string; expiresAt: number; claims: TokenClaims },
    audiences: readonly string[] | undefined,
    now: number,
  ) {
    const state = this.options.keys.find(verified.kid)?.state;
    return (
      now < verified.expiresAt + this.skewMs &&
      (state === 'active' || state === 'retiring' || state === 'next') &&
      acceptsAudience(verified.claims.aud, audiences, verified.tenant)
    );
  }

  private refusal(
    verified: { claims: TokenClaims; tenant: string },
    context: VerificationContext,
    now: number,
  ): Extract<Verification, { accepted: false }> | undefined {
    const { claims, tenant } = verified;
    const revocations = this.options.revocations;
    if (revocations.isRevoked(tenant, 'token', claims.jti, now))
      return refused('revoked-token', 'this token was revoked');
    if (revocations.isRevoked(tenant, 'device', claims.did, now))
      return refused('revoked-device', 'the device is revoked');
    if (revocations.isRevoked(tenant, 'installation', claims.ipk, now)) {
      return refused('revoked-installation', 'the installation is revoked');
    }
    if (revocations.isRevoked(tenant, 'registration', claims.reg, now)) {
      return refused('revoked-registration', 'the app build is revoked');
    }
    if (claims.pay !== undefined) {
      const bound =
        context.boundValue === undefined
          ? undefined
          : createHash('sha256').update(context.boundValue).digest('base64url');
      if (bound !== claims.pay) return refused('binding-mismatch', 'the bound header does not match the token (pay)');
    }
    return undefined;
  }
}

function refused(reason: VerificationRefusalReason, detail: string): Extract<Verification, { accepted: false }> {
  return { accepted: false, reason, detail };
}
