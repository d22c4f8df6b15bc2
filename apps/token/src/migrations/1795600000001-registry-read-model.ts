import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/**
 * What the token service knows of the registry, from its events: tenants (and whether they are active) and API keys
 * (hashes only), so it authenticates admin requests itself without reading the registration service's tables.
 */
export class RegistryReadModel1795600000001 implements MigrationInterface {
  name = 'RegistryReadModel1795600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    const statements = [
      `CREATE TABLE ${s}.known_tenant (
        id text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('active', 'suspended')),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE ${s}.known_api_key (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
        tenant_id text NOT NULL,
        team_id uuid,
        role text NOT NULL CHECK (role IN ('admin', 'developer')),
        secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
        created_at timestamptz NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz
      )`,
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['known_api_key', 'known_tenant'])
      await queryRunner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
  }
}
