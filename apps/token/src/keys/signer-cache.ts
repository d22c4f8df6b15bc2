import { Inject, Injectable } from '@nestjs/common';
import { signingKeySecretAad, type SigningAlgorithm } from '@tessera/contracts';
import { Keyring } from '@tessera/sealing';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { importKeyMaterial, type KeyMaterial, tenantIssuer, type TokenSigningKey } from '@tessera/tokens';
import { TokenStore } from '../persistence/token-store';
import type { TokenConfig } from '../token.config';
import { SIGNING_KEY_COLUMNS, type SigningKeyRecord } from './signing-key.record';
import type { SigningSettings } from './signing-settings';

/** What signs a tenant's tokens now, with the claims its tokens carry. */
export interface TenantSigner {
  readonly key: TokenSigningKey;
  readonly issuer: string;
  readonly audience: string;
}

/**
 * Which key signs for a tenant, looked up at most once a second per tenant: a rotation or revocation made by another
 * instance reaches this one within that second (this instance's own changes drop the entry at once). Opened key
 * material is kept by kid: a kid's material never changes.
 */
@Injectable()
export class SignerCache {
  private static readonly TTL_MS = 1000;
  private readonly signers = new Map<string, { signer: TenantSigner | undefined; loadedAt: number }>();
  private readonly material = new Map<string, KeyMaterial>();

  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(Keyring) private readonly keyring: Keyring,
    @Inject(SERVICE_CONFIG) private readonly config: TokenConfig,
  ) {}

  /** The tenant's signer, or undefined while it has no active key. */
  async active(tenantId: string, now: number = Date.now()): Promise<TenantSigner | undefined> {
    const cached = this.signers.get(tenantId);
    if (cached && now - cached.loadedAt < SignerCache.TTL_MS && cached.signer) return cached.signer;
    const signer = await this.load(tenantId);
    this.signers.set(tenantId, { signer, loadedAt: now });
    return signer;
  }

  forget(tenantId: string): void {
    this.signers.delete(tenantId);
  }

  /** The opened material of a stored key (undefined once erased). */
  open(key: Pick<SigningKeyRecord, 'kid' | 'tenantId' | 'alg' | 'sealedPrivate'>): KeyMaterial | undefined {
    const known = this.material.get(key.kid);
    if (known) return known;
    if (key.sealedPrivate === null) return undefined;
    const bytes = this.keyring.open(key.sealedPrivate, signingKeySecretAad(key.tenantId, key.kid));
    const material = importKeyMaterial(key.alg, bytes);
    this.material.set(key.kid, material);
    return material;
  }

  private async load(tenantId: string): Promise<TenantSigner | undefined> {
    const rows = await this.store.dataSource.query<(SigningKeyRecord & Pick<SigningSettings, 'audience'>)[]>(
      `SELECT ${SIGNING_KEY_COLUMNS},
         (SELECT audience FROM ${this.store.table('signing_settings')} WHERE tenant_id = $1) AS audience
       FROM ${this.store.table('signing_key')} WHERE tenant_id = $1 AND state = 'active'`,
      [tenantId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const material = this.open(row);
    if (!material) return undefined;
    const alg: SigningAlgorithm = row.alg;
    return {
      key: { kid: row.kid, alg, privateKey: material.privateKey },
      issuer: tenantIssuer(this.config.TOKEN_ISSUER, tenantId),
      audience: row.audience,
    };
  }
}
