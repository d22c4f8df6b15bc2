import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/**
 * Revocations of devices, installations, registrations and single tokens. Lifting one deletes its row; an expired
 * one stays (listable as expired) with `expiry_published_at` set once the sweeper has published its end.
 */
export class RevocationTables1795540000000 implements MigrationInterface {
  name = 'RevocationTables1795540000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    const statements = [
      `CREATE TABLE ${s}.revocation (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES ${s}.tenant (id),
        subject_kind text NOT NULL CHECK (subject_kind IN ('device', 'installation', 'registration', 'token')),
        subject_value text NOT NULL CHECK (length(subject_value) BETWEEN 1 AND 256),
        reason text CHECK (length(reason) <= 500),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        expiry_published_at timestamptz,
        -- Who revoked: the key id, as in the audit log (keys are revoked, never deleted).
        created_by_key_id text
      )`,
      `CREATE INDEX revocation_tenant_idx ON ${s}.revocation (tenant_id, id)`,
      `CREATE INDEX revocation_subject_idx ON ${s}.revocation (tenant_id, subject_kind, subject_value)`,
      `CREATE INDEX revocation_expiry_idx ON ${s}.revocation (expires_at)
         WHERE expires_at IS NOT NULL AND expiry_published_at IS NULL`,
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${schemaOf(queryRunner)}.revocation`);
  }
}
