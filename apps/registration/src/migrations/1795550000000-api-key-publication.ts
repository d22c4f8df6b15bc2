import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/**
 * API keys are published as `api-key.upserted` (so other services can authenticate callers): `published_at` is
 * when a key's current state last went into the outbox. Keys made before that have none; the registration
 * service's RepublishApiKeysWorker publishes them once at startup (a migration cannot write through the outbox
 * writer, which validates each event against its contract).
 */
export class ApiKeyPublication1795550000000 implements MigrationInterface {
  name = 'ApiKeyPublication1795550000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.api_key ADD COLUMN published_at timestamptz`);
    await queryRunner.query(`CREATE INDEX api_key_unpublished_idx ON ${s}.api_key (id) WHERE published_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.api_key_unpublished_idx`);
    await queryRunner.query(`ALTER TABLE ${s}.api_key DROP COLUMN IF EXISTS published_at`);
  }
}
