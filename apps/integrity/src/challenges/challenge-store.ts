import { Inject, Injectable } from '@nestjs/common';
import type { EvidenceReason } from '@tessera/contracts';
import { createHash, randomBytes } from 'node:crypto';
import { IntegrityStore } from '../persistence/integrity-store';

export interface IssuedChallenge {
  nonce: string;
  expiresAt: Date;
}

export type NonceConsumption =
  | { consumed: true }
  | {
      consumed: false;
      reason: Extract<EvidenceReason, 'unknown-nonce' | 'used-nonce' | 'expired-nonce' | 'nonce-for-another-app'>;
    };

interface ConsumeRow {
  consumed: boolean;
  tenant_id: string | null;
  app_id: string | null;
  used: boolean | null;
  expired: boolean | null;
}

/** The nonce as stored: its SHA-256, so the table holds nothing an attacker could answer a challenge with. */
function nonceHash(nonce: string): Buffer {
  return createHash('sha256').update(nonce, 'utf8').digest();
}

/**
 * Challenges in Postgres, so that any integrity instance can consume a nonce another issued, and exactly one
 * attestation wins a nonce however many race for it: consuming is one conditional UPDATE, which Postgres applies to
 * a row once. The database's clock decides expiry, so instances whose clocks drift agree.
 */
@Injectable()
export class ChallengeStore {
  constructor(@Inject(IntegrityStore) private readonly store: IntegrityStore) {}

  async issue(tenant: string, appId: string, ttlSeconds: number): Promise<IssuedChallenge> {
    const nonce = randomBytes(32).toString('base64url');
    const rows: { expires_at: Date }[] = await this.store.dataSource.query(
      `INSERT INTO ${this.store.table('challenge')} (nonce_hash, tenant_id, app_id, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at`,
      [nonceHash(nonce), tenant, appId, ttlSeconds],
    );
    const [row] = rows;
    if (!row) throw new Error('the challenge insert returned no row');
    return { nonce, expiresAt: row.expires_at };
  }

  /**
   * Consumes `nonce` for the app, or says why it cannot be. The outer SELECT sees the row as it was before the
   * UPDATE (one statement, one snapshot), which tells a replay from an expired or misdirected nonce.
   */
  async consume(nonce: string, tenant: string, appId: string): Promise<NonceConsumption> {
    const table = this.store.table('challenge');
    const rows: ConsumeRow[] = await this.store.dataSource.query(
      `WITH consumed AS (
         UPDATE ${table} SET consumed_at = now()
         WHERE nonce_hash = $1 AND consumed_at IS NULL AND expires_at > now() AND tenant_id = $2 AND app_id = $3
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM consumed) AS consumed, c.tenant_id, c.app_id,
              c.consumed_at IS NOT NULL AS used, c.expires_at <= now() AS expired
       FROM (SELECT 1) AS one LEFT JOIN ${table} AS c ON c.nonce_hash = $1`,
      [nonceHash(nonce), tenant, appId],
    );
    const [row] = rows;
    if (row?.consumed) return { consumed: true };
    if (!row?.tenant_id) return { consumed: false, reason: 'unknown-nonce' };
    if (row.tenant_id !== tenant || row.app_id !== appId) return { consumed: false, reason: 'nonce-for-another-app' };
    if (row.used) return { consumed: false, reason: 'used-nonce' };
    if (row.expired) return { consumed: false, reason: 'expired-nonce' };
    // Consumed by a concurrent attestation that won the row while this statement waited for it.
    return { consumed: false, reason: 'used-nonce' };
  }

  /** Forgets challenges that expired more than `graceSeconds` ago; how many. */
  async purgeExpired(graceSeconds: number): Promise<number> {
    const result: [unknown[], number] = await this.store.dataSource.query(
      `DELETE FROM ${this.store.table('challenge')} WHERE expires_at < now() - make_interval(secs => $1)`,
      [graceSeconds],
    );
    return result[1];
  }
}
