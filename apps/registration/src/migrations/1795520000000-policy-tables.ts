import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/** Security policies of tenants, and the foreign key of an app's assigned policy. */
export class PolicyTables1795520000000 implements MigrationInterface {
  name = 'PolicyTables1795520000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    const statements = [
      `CREATE TABLE ${s}.policy (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES ${s}.tenant (id),
        name text NOT NULL,
        -- PolicyRules of @tessera/contracts, validated (and completed from a preset) before every write.
        rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'object'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name),
        UNIQUE (tenant_id, id)
      )`,
      // Through (tenant_id, id), an app can only refer to a policy of its own tenant. No cascade: a policy in use
      // cannot be deleted (the apps would silently fall back to the default), the API answers 409 instead.
      `ALTER TABLE ${s}.app ADD CONSTRAINT app_policy_fk
        FOREIGN KEY (tenant_id, policy_id) REFERENCES ${s}.policy (tenant_id, id)`,
      `CREATE INDEX app_policy_idx ON ${s}.app (tenant_id, policy_id) WHERE policy_id IS NOT NULL`,
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.app_policy_idx`);
    await queryRunner.query(`ALTER TABLE ${s}.app DROP CONSTRAINT IF EXISTS app_policy_fk`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.policy`);
  }
}
