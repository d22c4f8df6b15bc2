import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';
import { knownApiKeyTables } from '@tessera/service-runtime';

/**
 * What the token service knows of the registry, from its events: tenants (and whether they are active) and API keys
 * (hashes only), so it authenticates admin requests itself without reading the registration service's tables.
 */
export class RegistryReadModel1795600000001 implements MigrationInterface {
  name = 'RegistryReadModel1795600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of knownApiKeyTables(schemaOf(queryRunner)).up) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of knownApiKeyTables(schemaOf(queryRunner)).down) await queryRunner.query(sql);
  }
}
