import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/** Protected API domains and their pin sets: one row a domain, its pins as JSON (validated before they are written). */
export class ProtectedDomainTable1795800000001 implements MigrationInterface {
  name = 'ProtectedDomainTable1795800000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE ${s}.protected_domain (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        pattern text NOT NULL,
        port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
        mode text NOT NULL CHECK (mode IN ('pinned', 'managed-trust')),
        app_ids uuid[],
        pins jsonb NOT NULL,
        revision integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, pattern, port)
      )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${schemaOf(queryRunner)}.protected_domain`);
  }
}
