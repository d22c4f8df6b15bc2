import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/** Apps of teams, with their platform identifiers (one app per identifier per tenant). */
export class AppTables1795500000000 implements MigrationInterface {
  name = 'AppTables1795500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    const statements = [
      `CREATE TABLE ${s}.app (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES ${s}.tenant (id),
        team_id uuid NOT NULL REFERENCES ${s}.team (id),
        name text NOT NULL,
        platform text NOT NULL CHECK (platform IN ('android', 'ios')),
        package_name text,
        apple_team_id text,
        bundle_id text,
        -- The assigned tenant policy; null: the built-in default. Its foreign key comes with the policy table.
        policy_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (
          (platform = 'android' AND package_name IS NOT NULL AND apple_team_id IS NULL AND bundle_id IS NULL)
          OR (platform = 'ios' AND package_name IS NULL AND apple_team_id IS NOT NULL AND bundle_id IS NOT NULL)
        )
      )`,
      `CREATE UNIQUE INDEX app_android_identity_idx ON ${s}.app (tenant_id, package_name) WHERE platform = 'android'`,
      `CREATE UNIQUE INDEX app_ios_identity_idx ON ${s}.app (tenant_id, apple_team_id, bundle_id) WHERE platform = 'ios'`,
      `CREATE INDEX app_tenant_team_idx ON ${s}.app (tenant_id, team_id, id)`,
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${schemaOf(queryRunner)}.app`);
  }
}
