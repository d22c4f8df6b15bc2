import { Inject, Injectable } from '@nestjs/common';
import type { PinConfigKey, PinConfigKeySet, SealedValue } from '@tessera/contracts';
import type { PinConfigSigningKey } from '@tessera/pins';
import { Keyring } from '@tessera/sealing';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { randomBytes } from 'node:crypto';
import { PinsStore } from '../persistence/pins-store';

interface KeyRow {
  kid: string;
  public_jwk: PinConfigKey;
  sealed_private_jwk: SealedValue;
}

/** What a sealed private key is bound to: opening it under another tenant's name fails. */
const aadOf = (tenant: string, kid: string) => `${tenant}/pin-config-key/${kid}`;

/**
 * The key that signs a tenant's pin configs (ES256), made on first need and kept in Postgres with its private part
 * sealed under the KEK, so every pins node signs with the same key; its public part is the tenant's pins JWKS, which
 * apps ship. Cached in memory once read: it does not change without a rotation (not built yet).
 */
@Injectable()
export class PinConfigKeys {
  private readonly signing = new Map<string, Promise<{ key: PinConfigSigningKey; publicJwk: PinConfigKey }>>();

  constructor(
    @Inject(PinsStore) private readonly store: PinsStore,
    @Inject(Keyring) private readonly keyring: Keyring,
  ) {}

  signingKey(tenant: string): Promise<{ key: PinConfigSigningKey; publicJwk: PinConfigKey }> {
    let found = this.signing.get(tenant);
    if (!found) {
      found = this.loadOrCreate(tenant);
      // A failure (the database away) must not stay cached.
      found.catch(() => this.signing.delete(tenant));
      this.signing.set(tenant, found);
    }
    return found;
  }

  async jwks(tenant: string): Promise<PinConfigKeySet> {
    return { keys: [(await this.signingKey(tenant)).publicJwk] };
  }

  private async loadOrCreate(tenant: string): Promise<{ key: PinConfigSigningKey; publicJwk: PinConfigKey }> {
    const row = (await this.read(tenant)) ?? (await this.create(tenant));
    const opened = this.keyring.open(row.sealed_private_jwk, aadOf(tenant, row.kid));
    const privateKey = await importJWK(JSON.parse(opened.toString('utf8')) as JWK, 'ES256');
    if (privateKey instanceof Uint8Array) throw new Error('a pin config key opened as a secret, not an EC key');
    return { key: { privateKey, kid: row.kid }, publicJwk: row.public_jwk };
  }

  private async read(tenant: string): Promise<KeyRow | undefined> {
    const rows: KeyRow[] = await this.store.dataSource.query(
      `SELECT kid, public_jwk, sealed_private_jwk FROM ${this.store.table('pin_config_key')} WHERE tenant_id = $1`,
      [tenant],
    );
    return rows[0];
  }

  /** Two nodes making the tenant's first key at once: the unique tenant_id keeps one, both then read it. */
  private async create(tenant: string): Promise<KeyRow> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = randomBytes(12).toString('base64url');
    const { x, y } = await exportJWK(publicKey);
    if (!x || !y) throw new Error('an EC key exported without coordinates');
    const publicJwk: PinConfigKey = { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' };
    const sealed = this.keyring.seal(JSON.stringify(await exportJWK(privateKey)), aadOf(tenant, kid));
    await this.store.dataSource.query(
      `INSERT INTO ${this.store.table('pin_config_key')} (kid, tenant_id, public_jwk, sealed_private_jwk)
       VALUES ($1, $2, $3::jsonb, $4::jsonb) ON CONFLICT (tenant_id) DO NOTHING`,
      [kid, tenant, JSON.stringify(publicJwk), JSON.stringify(sealed)],
    );
    const row = await this.read(tenant);
    if (!row) throw new Error(`no pin config key for ${tenant} after making one`);
    return row;
  }
}
