import { Inject, Injectable } from '@nestjs/common';
import type { PublicJwk, SigningAlgorithm, SigningKeyState } from '@tessera/contracts';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import type { PublishableKey } from '@tessera/tokens';
import { TokenStore } from '../persistence/token-store';
import type { TokenConfig } from '../token.config';

export type TenantPublishableKey = PublishableKey & { tenantId: string };

/**
 * The published keys of every tenant, read from Postgres at most once a second however many JWKS requests come in
 * (a key change of any instance shows within that second).
 */
@Injectable()
export class JwksSnapshot {
  private static readonly TTL_MS = 1000;
  private cached: { keys: TenantPublishableKey[]; tenants: Set<string>; loadedAt: number } | undefined;
  private loading: Promise<TenantPublishableKey[]> | undefined;
  readonly cacheControl: string;

  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(SERVICE_CONFIG) config: TokenConfig,
  ) {
    this.cacheControl = `public, max-age=${config.TOKEN_JWKS_MAX_AGE_SECONDS}`;
  }

  async keys(now: number = Date.now()): Promise<TenantPublishableKey[]> {
    if (this.cached && now - this.cached.loadedAt < JwksSnapshot.TTL_MS) return this.cached.keys;
    this.loading ??= this.load(now).finally(() => (this.loading = undefined));
    return this.loading;
  }

  async hasTenant(tenantId: string): Promise<boolean> {
    await this.keys();
    return this.cached?.tenants.has(tenantId) ?? false;
  }

  private async load(now: number): Promise<TenantPublishableKey[]> {
    const rows = await this.store.dataSource.query<
      {
        tenantId: string;
        kid: string | null;
        alg: SigningAlgorithm;
        state: SigningKeyState;
        publicJwk: PublicJwk | null;
      }[]
    >(
      `SELECT s.tenant_id AS "tenantId", k.kid, k.alg, k.state, k.public_jwk AS "publicJwk"
       FROM ${this.store.table('signing_settings')} s
       LEFT JOIN ${this.store.table('signing_key')} k ON k.tenant_id = s.tenant_id AND k.state IN ('next', 'active', 'retiring')`,
    );
    // A tenant whose keys are all gone still has its settings row: its JWKS is empty, not unknown.
    const keys = rows.filter((row): row is TenantPublishableKey => row.kid !== null);
    this.cached = { keys, tenants: new Set(rows.map((row) => row.tenantId)), loadedAt: now };
    return keys;
  }
}
