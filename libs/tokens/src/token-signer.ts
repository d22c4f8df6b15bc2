import type { KeyObject } from 'node:crypto';
import { type SigningAlgorithm, TOKEN_TYPE } from '@tessera/contracts';
import { SignJWT } from 'jose';
import type { TokenClaims } from './token-claims';

/** What signs a token: a key and the algorithm it is pinned to. */
export interface TokenSigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: KeyObject;
}

/**
 * Signs the claims as a compact JWS with the header `{alg, typ: tessera+jwt, kid}`. `headerKid` is the kid the header
 * names: a failure token names the tenant's active kid while a failure key signs it, so its header is the same as a
 * valid token's.
 */
export async function signToken(
  key: TokenSigningKey,
  claims: TokenClaims,
  headerKid: string = key.kid,
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: key.alg, typ: TOKEN_TYPE, kid: headerKid })
    .sign(key.privateKey);
}
