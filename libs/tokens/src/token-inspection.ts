import type { KeyObject } from 'node:crypto';
import { SIGNING_ALGORITHMS, type SigningAlgorithm, type SigningKeyState, TOKEN_TYPE } from '@tessera/contracts';
import { compactVerify, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { TokenRefusalReason } from './refusal-reasons';
import { type TokenClaims, TokenClaimsSchema, type TokenHeader } from './token-claims';

/** Longer than any token Tessera issues; a bigger one is refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;

/** Default leeway for `exp` and `iat` between machines' clocks (RFC 8725 §3.10 asks for a small one). */
export const DEFAULT_CLOCK_SKEW_SECONDS = 30;

/** A key a token may name by its `kid`, pinned to one algorithm and bound to its tenant's issuer. */
export interface VerificationKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly state: SigningKeyState;
  readonly issuer: string;
  readonly key: KeyObject;
}

/** Where inspection finds keys: by kid, and the failure-token keys of an algorithm (never trusted). */
export interface InspectionKeys {
  find(kid: string): VerificationKey | undefined;
  failureKeys(alg: SigningAlgorithm): readonly KeyObject[];
}

export interface InspectionOptions {
  keys: InspectionKeys;
  /** The audiences accepted. */
  audience: string | readonly string[];
  /** The issuer required; by default the issuer of the key the token names, so a kid of another tenant fails. */
  issuer?: string;
  now?: Date;
  clockSkewSeconds?: number;
}

export type TokenInspection =
  | { valid: true; header: TokenHeader; claims: TokenClaims; keyState: SigningKeyState }
  | {
      valid: false;
      reason: TokenRefusalReason;
      detail: string;
      /** What the token says, unverified, when it could be decoded (for the person inspecting it). */
      header?: Record<string, unknown>;
      claims?: Record<string, unknown>;
    };

/** States whose keys verify tokens: `next` (published, may sign any moment), `active` and `retiring`. */
const TRUSTED_STATES: ReadonlySet<SigningKeyState> = new Set(['next', 'active', 'retiring']);
const ALGORITHMS: ReadonlySet<string> = new Set(SIGNING_ALGORITHMS);

/**
 * Checks a token by the rules of RFC 8725: the algorithm comes from the key the `kid` names, never from the token
 * (no `none`, no algorithm confusion); `kid` and `typ: tessera+jwt` are required; issuer and audience are checked;
 * `exp` and `iat` with a small clock skew. A token whose signature fails with its key but verifies with a
 * failure-token key is a failure token: refused like any other, named as such for whoever inspects it.
 */
export async function inspectToken(token: unknown, options: InspectionOptions): Promise<TokenInspection> {
  if (typeof token !== 'string' || token.length === 0) return refused('missing', 'no token was given');
  if (token.length > MAX_TOKEN_LENGTH) return refused('malformed', `a token is at most ${MAX_TOKEN_LENGTH} characters`);
  let header: Record<string, unknown>;
  let unverified: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
    unverified = decodeJwt(token);
  } catch {
    return refused('malformed', 'not a compact JWS with a JSON header and JSON claims');
  }
  const seen = { header, claims: unverified };
  if (typeof header.alg !== 'string' || !ALGORITHMS.has(header.alg)) {
    return refused('algorithm-not-allowed', `alg ${JSON.stringify(header.alg)} is not one Tessera signs with`, seen);
  }
  if (header.typ !== TOKEN_TYPE) return refused('malformed', `typ must be ${TOKEN_TYPE}`, seen);
  if (typeof header.kid !== 'string' || header.kid.length === 0) return refused('malformed', 'kid is required', seen);
  const key = options.keys.find(header.kid);
  if (!key) return refused('unknown-key', `no key ${header.kid} is published`, seen);
  if (header.alg !== key.alg) {
    return refused('algorithm-not-allowed', `key ${key.kid} signs ${key.alg} only, the token says ${header.alg}`, seen);
  }
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const now = options.now ?? new Date();
  let claims: TokenClaims;
  try {
    const verified = await jwtVerify(token, key.key, {
      algorithms: [key.alg],
      typ: TOKEN_TYPE,
      issuer: options.issuer ?? key.issuer,
      audience: typeof options.audience === 'string' ? options.audience : [...options.audience],
      clockTolerance: skew,
      currentDate: now,
      requiredClaims: ['iss', 'aud', 'sub', 'iat', 'exp', 'jti'],
    });
    const parsed = TokenClaimsSchema.safeParse(verified.payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return refused('malformed', `claim ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, seen);
    }
    claims = parsed.data;
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return (await isFailureToken(token, key.alg, options.keys))
        ? refused('failure-token', 'signed by a failure-token key: the attestation behind it failed', seen)
        : refused('bad-signature', `the signature does not verify with key ${key.kid}`, seen);
    }
    return refused(...claimRefusal(error), seen);
  }
  if (claims.iat > Math.floor(now.getTime() / 1000) + skew) {
    return refused('not-yet-valid', 'issued in the future (iat), beyond the clock skew', seen);
  }
  if (key.state === 'revoked') return refused('revoked-key', `key ${key.kid} was revoked`, seen);
  if (!TRUSTED_STATES.has(key.state)) return refused('unknown-key', `key ${key.kid} is ${key.state}`, seen);
  return { valid: true, header: { alg: key.alg, typ: TOKEN_TYPE, kid: key.kid }, claims, keyState: key.state };
}

async function isFailureToken(token: string, alg: SigningAlgorithm, keys: InspectionKeys): Promise<boolean> {
  for (const failureKey of keys.failureKeys(alg)) {
    try {
      await compactVerify(token, failureKey, { algorithms: [alg] });
      return true;
    } catch {
      // not this one
    }
  }
  return false;
}

function claimRefusal(error: unknown): [TokenRefusalReason, string] {
  if (error instanceof errors.JWTExpired) return ['expired', 'the token has expired (exp)'];
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return ['wrong-issuer', 'the issuer (iss) is not the one of the key or the one expected'];
      case 'aud':
        return ['wrong-audience', 'the audience (aud) is not one accepted here'];
      case 'nbf':
        return ['not-yet-valid', 'not valid yet (nbf)'];
      case 'typ':
        return ['malformed', `typ must be ${TOKEN_TYPE}`];
      default:
        return ['malformed', `claim ${error.claim}: ${error.reason}`];
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return ['algorithm-not-allowed', 'the algorithm is not allowed'];
  if (error instanceof errors.JOSEError) return ['malformed', error.message];
  throw error;
}

function refused(
  reason: TokenRefusalReason,
  detail: string,
  seen: { header?: Record<string, unknown>; claims?: Record<string, unknown> } = {},
): TokenInspection {
  return { valid: false, reason, detail, ...seen };
}
