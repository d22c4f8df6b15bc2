import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/**
 * Challenges: one row per nonce, stored as its SHA-256 (a copy of the table holds no usable nonce). A nonce is
 * consumed by marking it, not deleting it, so a replay is told apart from a nonce never issued until the row is
 * cleaned up after its expiry.
 */
export class ChallengeTable1795700000000 implements MigrationInterface {
  name = 'ChallengeTable1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE ${s}.challenge (
        nonce_hash bytea PRIMARY KEY CHECK (length(nonce_hash) = 32),
        tenant_id text NOT NULL,
        app_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      )`,
    );
    await queryRunner.query(`CREATE INDEX challenge_expires_at ON ${s}.challenge (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${schemaOf(queryRunner)}.challenge`);
  }
}
