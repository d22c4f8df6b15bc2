import type { TokenClaims } from '@tessera/tokens';

export interface VerifiedToken {
  readonly claims: TokenClaims;
  readonly kid: string;
  readonly alg: string;
  readonly tenant: string;
  /** `exp` in epoch ms. */
  readonly expiresAt: number;
}

/**
 * Tokens whose signature and claims were verified, so a repeated token costs a lookup. Bounded: past `capacity` the
 * oldest entry goes (a Map keeps insertion order). The cache says only that a token was well signed and well formed;
 * expiry, the key's state, revocations and binding are checked again on every hit, so a revocation drops a cached
 * token at once.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(private readonly capacity = 100_000) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string): VerifiedToken | undefined {
    return this.entries.get(token);
  }

  set(token: string, verified: VerifiedToken): void {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, verified);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  /** Drops tokens that have expired (they would be refused anyway); how many. */
  purgeExpired(now: number = Date.now()): number {
    let purged = 0;
    for (const [token, verified] of this.entries) {
      if (verified.expiresAt <= now) {
        this.entries.delete(token);
        purged += 1;
      }
    }
    return purged;
  }
}
