import { Inject, Injectable } from '@nestjs/common';
import { signingKeyEventKey, signingKeySecretAad, SigningKeyUpsertedV1, Topics } from '@tessera/contracts';
import { Keyring } from '@tessera/sealing';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import {
  applyKeyChanges,
  defaultAudience,
  generateKeyMaterial,
  type KeyChange,
  newKeyId,
  tenantIssuer,
} from '@tessera/tokens';
import type { EntityManager } from 'typeorm';
import { TokenStore } from '../persistence/token-store';
import type { TokenConfig } from '../token.config';
import { SIGNING_KEY_COLUMNS, type SigningKeyRecord } from './signing-key.record';
import { SETTINGS_COLUMNS, type SigningSettings } from './signing-settings';

/**
 * A tenant's signing keys and settings in Postgres. Every change to a key commits with its signing-key.upserted
 * event (or tombstone) in the caller's transaction; new keys' private parts are sealed under the KEK, bound to
 * tenant and kid, and erased once a key can no longer sign.
 */
@Injectable()
export class SigningKeyRepository {
  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(Keyring) private readonly keyring: Keyring,
    @Inject(SERVICE_CONFIG) private readonly config: TokenConfig,
  ) {}

  /** The tenant's settings row, created with the deployment's defaults if it has none, locked for the transaction. */
  async lockSettings(tx: EntityManager, tenantId: string): Promise<SigningSettings> {
    await tx.query(
      `INSERT INTO ${this.store.table('signing_settings')} (tenant_id, algorithm, rotation_period_seconds, audience)
       VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id) DO NOTHING`,
      [
        tenantId,
        this.config.TOKEN_DEFAULT_ALGORITHM,
        this.config.TOKEN_ROTATION_PERIOD_SECONDS,
        defaultAudience(tenantId),
      ],
    );
    const rows = await tx.query<SigningSettings[]>(
      `SELECT ${SETTINGS_COLUMNS} FROM ${this.store.table('signing_settings')} WHERE tenant_id = $1 FOR UPDATE`,
      [tenantId],
    );
    if (!rows[0]) throw new Error(`the settings of ${tenantId} vanished inside their transaction`);
    return rows[0];
  }

  async settings(tx: EntityManager, tenantId: string): Promise<SigningSettings | undefined> {
    const rows = await tx.query<SigningSettings[]>(
      `SELECT ${SETTINGS_COLUMNS} FROM ${this.store.table('signing_settings')} WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0];
  }

  /** Every key of the tenant, oldest first (forgotten ones too: they are history). */
  async keys(tx: EntityManager, tenantId: string): Promise<SigningKeyRecord[]> {
    return tx.query<SigningKeyRecord[]>(
      `SELECT ${SIGNING_KEY_COLUMNS} FROM ${this.store.table('signing_key')} WHERE tenant_id = $1 ORDER BY created_at, kid`,
      [tenantId],
    );
  }

  async key(tx: EntityManager, kid: string): Promise<SigningKeyRecord | undefined> {
    const rows = await tx.query<SigningKeyRecord[]>(
      `SELECT ${SIGNING_KEY_COLUMNS} FROM ${this.store.table('signing_key')} WHERE kid = $1`,
      [kid],
    );
    return rows[0];
  }

  /**
   * Applies a plan: the keys it changes are written in plan order (a key leaves `active` before another enters it)
   * with their events. Returns the tenant's keys afterwards and the kids that changed.
   */
  async apply(
    tx: EntityManager,
    tenantId: string,
    before: readonly SigningKeyRecord[],
    changes: readonly KeyChange[],
    now: Date,
  ): Promise<{ keys: SigningKeyRecord[]; changed: string[] }> {
    if (changes.length === 0) return { keys: [...before], changed: [] };
    const records = new Map(before.map((key) => [key.kid, key]));
    const applied = applyKeyChanges(before, changes, now, () => newKeyId());
    for (const kid of applied.created) {
      const planned = applied.keys.find((key) => key.kid === kid);
      if (!planned) continue;
      const material = generateKeyMaterial(planned.alg);
      records.set(kid, {
        ...planned,
        tenantId,
        publicJwk: material.publicJwk,
        sealedPrivate: this.keyring.seal(material.privateBytes(), signingKeySecretAad(tenantId, kid)),
      });
    }
    const after: SigningKeyRecord[] = [];
    for (const planned of applied.keys) {
      const record = records.get(planned.kid);
      if (!record) throw new Error(`no record for planned key ${planned.kid}`);
      const erased = planned.state === 'retired' || planned.state === 'revoked';
      after.push({ ...record, ...planned, sealedPrivate: erased ? null : record.sealedPrivate });
    }
    for (const kid of applied.changed) {
      const key = after.find((candidate) => candidate.kid === kid);
      if (!key) continue;
      await this.write(tx, key);
      await this.publish(tx, key, records.get(kid)?.forgotten ?? false);
    }
    return { keys: after, changed: applied.changed };
  }

  private async write(tx: EntityManager, key: SigningKeyRecord): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.store.table('signing_key')} (kid, tenant_id, alg, state, public_jwk, sealed_private, created_at,
         activated_at, deactivated_at, retires_at, revoked_at, revocation_reason, forgotten)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (kid) DO UPDATE SET state = EXCLUDED.state, sealed_private = EXCLUDED.sealed_private,
         activated_at = EXCLUDED.activated_at, deactivated_at = EXCLUDED.deactivated_at,
         retires_at = EXCLUDED.retires_at, revoked_at = EXCLUDED.revoked_at,
         revocation_reason = EXCLUDED.revocation_reason, forgotten = EXCLUDED.forgotten`,
      [
        key.kid,
        key.tenantId,
        key.alg,
        key.state,
        key.publicJwk === null ? null : JSON.stringify(key.publicJwk),
        key.sealedPrivate === null ? null : JSON.stringify(key.sealedPrivate),
        key.createdAt,
        key.activatedAt,
        key.deactivatedAt,
        key.retiresAt,
        key.revokedAt,
        key.revocationReason,
        key.forgotten,
      ],
    );
  }

  /** Its latest state on the keys topic; once forgotten, a tombstone after it, so rebuilt views never hold it. */
  private async publish(tx: EntityManager, key: SigningKeyRecord, wasForgotten: boolean): Promise<void> {
    if (wasForgotten) return;
    const iso = (date: Date | null) => (date === null ? null : date.toISOString());
    await this.store.outbox.append(tx, SigningKeyUpsertedV1, {
      tenant: key.tenantId,
      data: {
        kid: key.kid,
        alg: key.alg,
        state: key.state,
        issuer: tenantIssuer(this.config.TOKEN_ISSUER, key.tenantId),
        publicJwk: key.publicJwk,
        ...(key.alg === 'HS256' && key.sealedPrivate !== null ? { sealedSecret: key.sealedPrivate } : {}),
        createdAt: key.createdAt.toISOString(),
        activatedAt: iso(key.activatedAt),
        deactivatedAt: iso(key.deactivatedAt),
        retiresAt: iso(key.retiresAt),
        revokedAt: iso(key.revokedAt),
        revocationReason: key.revocationReason,
      },
    });
    if (key.forgotten) {
      await this.store.outbox.appendTombstone(tx, Topics.keys, signingKeyEventKey(key.tenantId, key.kid));
    }
  }
}
