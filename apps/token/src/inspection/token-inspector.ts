import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '@tessera/contracts';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import {
  defaultAudience,
  inspectToken,
  publicKeyFromJwk,
  tenantIssuer,
  type TokenInspection,
  type VerificationKey,
} from '@tessera/tokens';
import { FailureKeyRing } from '../keys/failure-key-ring';
import { SignerCache } from '../keys/signer-cache';
import type { SigningKeyRecord } from '../keys/signing-key.record';
import { SigningKeyRepository } from '../keys/signing-key.repository';
import { TokenStore } from '../persistence/token-store';
import type { TokenConfig } from '../token.config';

/**
 * Token inspection for a tenant's admins and developers: the whole truth about a token, from every key the tenant
 * ever had (retired and revoked ones included) and every failure key still known. A kid of another tenant reads as
 * unknown, as it would to that tenant's verifiers.
 */
@Injectable()
export class TokenInspector {
  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(SigningKeyRepository) private readonly repository: SigningKeyRepository,
    @Inject(SignerCache) private readonly signers: SignerCache,
    @Inject(FailureKeyRing) private readonly failureKeys: FailureKeyRing,
    @Inject(SERVICE_CONFIG) private readonly config: TokenConfig,
  ) {}

  async inspect(tenantId: string, token: string, audience?: string): Promise<TokenInspection> {
    const manager = this.store.dataSource.manager;
    const [keys, settings] = [
      await this.repository.keys(manager, tenantId),
      await this.repository.settings(manager, tenantId),
    ];
    const issuer = tenantIssuer(this.config.TOKEN_ISSUER, tenantId);
    const byKid = new Map<string, VerificationKey>();
    for (const key of keys) {
      const verifying = this.verificationKey(key);
      if (verifying) byKid.set(key.kid, { kid: key.kid, alg: key.alg, state: key.state, issuer, key: verifying });
    }
    const failures = new Map<SigningAlgorithm, KeyObject[]>();
    for (const alg of SIGNING_ALGORITHMS) failures.set(alg, await this.failureKeys.verificationKeys(alg));
    return inspectToken(token, {
      keys: { find: (kid) => byKid.get(kid), failureKeys: (alg) => failures.get(alg) ?? [] },
      audience: audience ?? settings?.audience ?? defaultAudience(tenantId),
      issuer,
      clockSkewSeconds: this.config.TOKEN_CLOCK_SKEW_SECONDS,
    });
  }

  /** A key's verification key: its public JWK, or the HS256 secret while it is not erased. */
  private verificationKey(key: SigningKeyRecord): KeyObject | undefined {
    if (key.alg !== 'HS256' && key.publicJwk) return publicKeyFromJwk(key.alg, key.publicJwk);
    return this.signers.open(key)?.publicKey;
  }
}
