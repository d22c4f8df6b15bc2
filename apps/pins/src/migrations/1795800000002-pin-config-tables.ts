import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/**
 * The version of each tenant's pin configs (raised with every change of its domains, published as
 * pin-config-version.upserted), and the keys that sign the configs: the private key sealed under the KEK.
 */
export class PinConfigTables1795800000002 implements MigrationInterface {
  name = 'PinConfigTables1795800000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE ${s}.pin_config_version (
        tenant_id text PRIMARY KEY,
        version bigint NOT NULL CHECK (version > 0),
        changed_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}.pin_config_key (
        kid text PRIMARY KEY,
        tenant_id text NOT NULL UNIQUE,
        public_jwk jsonb NOT NULL,
        sealed_private_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.pin_config_key`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.pin_config_version`);
  }
}
