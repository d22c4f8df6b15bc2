import type { IncomingHttpHeaders } from 'node:http';
import type { TokenVerifier, Verification } from '../token-verifier';

/**
 * How a route uses the verifier: `enforce` refuses (401) what the verifier refuses; `monitor` lets everything
 * through and only reports, so an API can switch protection on safely: watch the refusals first, then enforce.
 */
export type ProtectionMode = 'enforce' | 'monitor';

export interface ProtectionOptions {
  verifier: TokenVerifier;
  mode: ProtectionMode;
  /** The audiences the API accepts; by default the tenant's own. */
  audience?: string | readonly string[];
  /** Header the token travels in (lower case). */
  tokenHeader?: string;
  /** Header a bound token is bound to (lower case). */
  boundHeader?: string;
  /** Told of every decision (log it, count it); in monitor mode the only trace of a refusal. */
  onDecision?: (decision: Verification, mode: ProtectionMode) => void;
}

/** What a protected request carries once the verifier accepted its token. */
export interface TesseraIdentity {
  tenant: string;
  claims: Extract<Verification, { accepted: true }>['claims'];
}

export interface ProtectionOutcome {
  /** Whether the request goes on (always, in monitor mode). */
  allowed: boolean;
  decision: Verification;
  identity?: TesseraIdentity;
}

/** The decision for one request's headers, shared by the Express middleware and the NestJS guard. */
export async function protect(headers: IncomingHttpHeaders, options: ProtectionOptions): Promise<ProtectionOutcome> {
  const token = single(headers[options.tokenHeader ?? 'tessera-token']);
  const bound = single(headers[options.boundHeader ?? 'authorization']);
  const decision = await options.verifier.verify(token, { audience: options.audience, boundValue: bound });
  options.onDecision?.(decision, options.mode);
  if (decision.accepted) {
    return { allowed: true, decision, identity: { tenant: decision.tenant, claims: decision.claims } };
  }
  return { allowed: options.mode === 'monitor', decision };
}

function single(value: string | string[] | undefined): string | undefined {
  // A header sent twice is ambiguous: no token rather than a guess.
  return Array.isArray(value) ? undefined : value;
}
