import { schemaOf } from '@tessera/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables of a service's read model of the registry's tenants and API keys (hashes only), so it authenticates
 * admin requests itself without reading the registration service's tables. The token service's migration
 * RegistryReadModel1795600000001 runs these statements; later services take the migration below.
 */
export function knownApiKeyTables(quotedSchema: string): { up: string[]; down: string[] } {
  return {
    up: [
      `CREATE TABLE ${quotedSchema}.known_tenant (
        id text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('active', 'suspended')),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE ${quotedSchema}.known_api_key (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
        tenant_id text NOT NULL,
        team_id uuid,
        role text NOT NULL CHECK (role IN ('admin', 'developer')),
        secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
        created_at timestamptz NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz
      )`,
    ],
    down: [`DROP TABLE IF EXISTS ${quotedSchema}.known_api_key`, `DROP TABLE IF EXISTS ${quotedSchema}.known_tenant`],
  };
}

/** The known tenants and API keys tables, for a service that authenticates admin requests from registry events. */
export class KnownApiKeyTables1795800000000 implements MigrationInterface {
  name = 'KnownApiKeyTables1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of knownApiKeyTables(schemaOf(queryRunner)).up) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of knownApiKeyTables(schemaOf(queryRunner)).down) await queryRunner.query(sql);
  }
}
