import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/**
 * Secure strings: named secrets of an app, stored only sealed (AES-256-GCM under the KEK). The app reference has no
 * cascade: an app with secure strings cannot be deleted until they are.
 */
export class SecureStringTables1795530000000 implements MigrationInterface {
  name = 'SecureStringTables1795530000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    const statements = [
      `CREATE TABLE ${s}.secure_string (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES ${s}.tenant (id),
        app_id uuid NOT NULL REFERENCES ${s}.app (id),
        name text NOT NULL CHECK (name ~ '^[A-Za-z][A-Za-z0-9_.-]{0,63}$'),
        version integer NOT NULL CHECK (version > 0),
        sealed jsonb NOT NULL CHECK (sealed->>'alg' = 'A256GCM' AND sealed ? 'kekId' AND sealed ? 'ciphertext'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (app_id, name)
      )`,
      `CREATE INDEX secure_string_tenant_idx ON ${s}.secure_string (tenant_id, app_id)`,
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${schemaOf(queryRunner)}.secure_string`);
  }
}
