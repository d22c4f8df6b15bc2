import type { PublicJwk, SigningAlgorithm, SigningKeyState } from '@tessera/contracts';

/** A key as the JWKS lists it (RFC 7517): its public JWK, `kid`, `alg` and `use: sig`. */
export type JwksEntry = PublicJwk & { kid: string; alg: SigningAlgorithm; use: 'sig' };

export interface PublishableKey {
  kid: string;
  alg: SigningAlgorithm;
  state: SigningKeyState;
  publicJwk: PublicJwk | null;
}

/** Published: keys about to sign, signing, or whose tokens may still be alive. Never HS256 secrets. */
const PUBLISHED_STATES: ReadonlySet<SigningKeyState> = new Set(['next', 'active', 'retiring']);

export function isPublished(key: PublishableKey): boolean {
  return PUBLISHED_STATES.has(key.state) && key.publicJwk !== null;
}

/** The JWKS document of these keys: only public keys that are next, active or retiring, in a stable order. */
export function jwksDocument(keys: readonly PublishableKey[]): { keys: JwksEntry[] } {
  return {
    keys: keys
      .filter(isPublished)
      .sort((a, b) => a.kid.localeCompare(b.kid))
      .map((key) => ({ ...(key.publicJwk as PublicJwk), kid: key.kid, alg: key.alg, use: 'sig' as const })),
  };
}
