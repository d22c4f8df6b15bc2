import { KeyIdSchema, PublicJwkSchema, TenantIdSchema } from '@tessera/contracts';
import { tenantIssuer, tenantJwksPath } from '@tessera/tokens';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import type { VerificationKeySet } from './verification-key-set';

/** What a JWKS fetch came to, for metrics and logs. */
export type JwksFetchOutcome = 'found' | 'not-found' | 'throttled' | 'failed' | 'not-ours';

export interface JwksFallbackOptions {
  keys: VerificationKeySet;
  /** The token service: a tenant's JWKS is `<jwksBaseUrl>/tenants/<tenant>/.well-known/jwks.json`. */
  jwksBaseUrl: string;
  /** The token service's TOKEN_ISSUER: only a token whose `iss` is `<issuerBase>/tenants/<tenant>` is looked up. */
  issuerBase: string;
  /** Fewest milliseconds between two fetches of one tenant's JWKS (10 s). */
  minIntervalMs?: number;
  /** Fetches at most this many JWKS a second overall, whatever the tenants (5): made-up tenants cost nothing. */
  maxFetchesPerSecond?: number;
  timeoutMs?: number;
  onFetch?: (outcome: JwksFetchOutcome, tenant: string | undefined, detail?: string) => void;
  fetch?: typeof fetch;
}

/** A JWKS is a handful of keys; anything larger is not one of ours. */
const MAX_JWKS_BYTES = 64 * 1024;

const JwksSchema = z.object({
  keys: z
    .array(
      z.object({
        kid: KeyIdSchema,
        // HS256 secrets are never published; a JWKS naming another algorithm is not the token service's.
        alg: z.enum(['ES256', 'EdDSA']),
        use: z.literal('sig').optional(),
        kty: z.string(),
        crv: z.string(),
        x: z.string(),
        y: z.string().optional(),
      }),
    )
    .max(64),
});

/**
 * The fallback for a `kid` the key events have not brought (yet): the tenant's JWKS, fetched from the token service
 * over the configured URL, rate-limited per tenant and overall so that tokens with made-up kids cannot make the
 * verifier hammer the token service. Only the tenant is taken from the unverified token, and only when its `iss` has
 * the shape the token service gives its tenants' issuers: a fetched key is that tenant's, bound to that issuer, and
 * never overrides what the key events say (a revoked key stays revoked).
 */
export class JwksFallback {
  private readonly lastFetch = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly issuerPrefix: string;
  private readonly minIntervalMs: number;
  private readonly maxPerSecond: number;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private windowStart = 0;
  private fetchesInWindow = 0;

  constructor(private readonly options: JwksFallbackOptions) {
    this.issuerPrefix = `${options.issuerBase.replace(/\/+$/, '')}/tenants/`;
    this.minIntervalMs = options.minIntervalMs ?? 10_000;
    this.maxPerSecond = options.maxFetchesPerSecond ?? 5;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.fetch = options.fetch ?? fetch;
    new URL(options.jwksBaseUrl); // a bad URL fails at start, not on the first unknown kid
  }

  /** Whether the key `kid` is known once the token's tenant's JWKS was consulted (or could not be). */
  async resolve(kid: string, token: string): Promise<boolean> {
    const tenant = this.tenantOf(token);
    if (tenant === undefined) {
      this.options.onFetch?.('not-ours', undefined);
      return false;
    }
    const pending = this.inFlight.get(tenant);
    if (pending) {
      await pending;
      return this.options.keys.find(kid) !== undefined;
    }
    const now = Date.now();
    if (now - (this.lastFetch.get(tenant) ?? -Infinity) < this.minIntervalMs || !this.takeFetchSlot(now)) {
      this.options.onFetch?.('throttled', tenant);
      return false;
    }
    this.lastFetch.set(tenant, now);
    const fetching = this.fetchKeys(tenant).finally(() => this.inFlight.delete(tenant));
    this.inFlight.set(
      tenant,
      fetching.then(() => undefined),
    );
    const failure = await fetching;
    const found = this.options.keys.find(kid) !== undefined;
    if (failure !== undefined) this.options.onFetch?.('failed', tenant, failure);
    else this.options.onFetch?.(found ? 'found' : 'not-found', tenant);
    return found;
  }

  private tenantOf(token: string): string | undefined {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      return undefined;
    }
    if (typeof iss !== 'string' || !iss.startsWith(this.issuerPrefix)) return undefined;
    const tenant = iss.slice(this.issuerPrefix.length);
    return TenantIdSchema.safeParse(tenant).success ? tenant : undefined;
  }

  private takeFetchSlot(now: number): boolean {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.fetchesInWindow = 0;
    }
    if (this.fetchesInWindow >= this.maxPerSecond) return false;
    this.fetchesInWindow += 1;
    return true;
  }

  /** Learns the tenant's published keys; the reason when the JWKS could not be had. */
  private async fetchKeys(tenant: string): Promise<string | undefined> {
    const url = new URL(tenantJwksPath(tenant).slice(1), `${this.options.jwksBaseUrl.replace(/\/+$/, '')}/`);
    try {
      const response = await this.fetch(url, {
        headers: { accept: 'application/jwk-set+json, application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (response.status !== 200) throw new Error(`the JWKS answered ${response.status}`);
      const text = await response.text();
      if (text.length > MAX_JWKS_BYTES) throw new Error(`the JWKS is over ${MAX_JWKS_BYTES} bytes`);
      const jwks = JwksSchema.parse(JSON.parse(text));
      const issuer = tenantIssuer(this.options.issuerBase, tenant);
      for (const { kid, alg, kty, crv, x, y } of jwks.keys) {
        const publicJwk = PublicJwkSchema.safeParse(y === undefined ? { kty, crv, x } : { kty, crv, x, y });
        if (publicJwk.success)
          this.options.keys.applyFetchedKey(tenant, { kid, alg, issuer, publicJwk: publicJwk.data });
      }
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
}
