import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  failureKeyEventKey,
  FailureKeyUpsertedV1,
  type PublicJwk,
  type SigningAlgorithm,
  Topics,
} from '@tessera/contracts';
import { allReturned } from '@tessera/database';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import {
  generateKeyMaterial,
  type KeyMaterial,
  newKeyId,
  publicKeyFromJwk,
  type TokenSigningKey,
} from '@tessera/tokens';
import { TokenStore } from '../persistence/token-store';
import type { TokenConfig } from '../token.config';

interface FailureKey {
  readonly kid: string;
  readonly material: KeyMaterial;
  readonly createdAt: number;
  readonly forgetAfter: number;
}

/**
 * The keys this instance signs failure tokens with: one per algorithm, made when first needed and replaced every
 * TOKEN_FAILURE_KEY_ROTATION_SECONDS. Their private parts exist only in this process's memory, so nobody can ever
 * make a failure token verify. The public parts of ES256 and EdDSA failure keys are stored and published (never in
 * a JWKS), so verifiers and token inspection can tell a failure token from a forgery; HS256 has no public part, so
 * only this instance, while it runs, recognises its HS256 failure tokens.
 */
@Injectable()
export class FailureKeyRing {
  private readonly current = new Map<SigningAlgorithm, FailureKey>();
  private readonly making = new Map<SigningAlgorithm, Promise<FailureKey>>();
  /** Recent HS256 failure secrets of this instance, kept while their tokens may be alive. */
  private readonly hmacHistory: FailureKey[] = [];

  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(SERVICE_CONFIG) private readonly config: TokenConfig,
  ) {}

  async signer(alg: SigningAlgorithm, now: number = Date.now()): Promise<TokenSigningKey> {
    const current = this.current.get(alg);
    const key =
      current && now - current.createdAt < this.config.TOKEN_FAILURE_KEY_ROTATION_SECONDS * 1000
        ? current
        : await this.replace(alg, now);
    return { kid: key.kid, alg, privateKey: key.material.privateKey };
  }

  /** Public keys (or, for HS256, this instance's secrets) that failure tokens of `alg` verify with. */
  async verificationKeys(alg: SigningAlgorithm, now: number = Date.now()): Promise<KeyObject[]> {
    if (alg === 'HS256') {
      return this.hmacHistory.filter((key) => key.forgetAfter > now).map((key) => key.material.publicKey);
    }
    const rows = await this.store.dataSource.query<{ publicJwk: PublicJwk }[]>(
      `SELECT public_jwk AS "publicJwk" FROM ${this.store.table('failure_key')}
       WHERE alg = $1 AND NOT forgotten ORDER BY created_at DESC LIMIT 100`,
      [alg],
    );
    return rows.map((row) => publicKeyFromJwk(alg, row.publicJwk));
  }

  /** Tombstones failure keys whose tokens have all expired (any instance may do it); how many. */
  async forgetExpired(now: Date = new Date()): Promise<number> {
    return this.store.transaction(async (tx) => {
      const rows = allReturned<{ kid: string }>(
        await tx.query(
          `UPDATE ${this.store.table('failure_key')} SET forgotten = true
           WHERE NOT forgotten AND forget_after <= $1 RETURNING kid`,
          [now],
        ),
      );
      for (const row of rows.sort((a, b) => a.kid.localeCompare(b.kid))) {
        await this.store.outbox.appendTombstone(tx, Topics.keys, failureKeyEventKey(row.kid));
      }
      return rows.length;
    });
  }

  private replace(alg: SigningAlgorithm, now: number): Promise<FailureKey> {
    let making = this.making.get(alg);
    if (!making) {
      making = this.make(alg, now).finally(() => this.making.delete(alg));
      this.making.set(alg, making);
    }
    return making;
  }

  private async make(alg: SigningAlgorithm, now: number): Promise<FailureKey> {
    const lifetimeMs =
      (this.config.TOKEN_FAILURE_KEY_ROTATION_SECONDS +
        this.config.TOKEN_MAX_LIFETIME_SECONDS +
        this.config.TOKEN_CLOCK_SKEW_SECONDS) *
      1000;
    const key: FailureKey = {
      kid: newKeyId(),
      material: generateKeyMaterial(alg),
      createdAt: now,
      forgetAfter: now + lifetimeMs,
    };
    if (alg === 'HS256') {
      this.hmacHistory.push(key);
      while (this.hmacHistory.length > 0 && (this.hmacHistory[0]?.forgetAfter ?? now) <= now) this.hmacHistory.shift();
    } else {
      const publicJwk = key.material.publicJwk as PublicJwk;
      await this.store.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO ${this.store.table('failure_key')} (kid, alg, public_jwk, created_at, forget_after)
           VALUES ($1, $2, $3::jsonb, $4, $5)`,
          [key.kid, alg, JSON.stringify(publicJwk), new Date(now), new Date(key.forgetAfter)],
        );
        await this.store.outbox.append(tx, FailureKeyUpsertedV1, {
          tenant: 'system',
          data: {
            failureKeyId: key.kid,
            alg,
            publicJwk,
            createdAt: new Date(now).toISOString(),
            forgetAfter: new Date(key.forgetAfter).toISOString(),
          },
        });
      });
    }
    this.current.set(alg, key);
    return key;
  }
}
