import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/**
 * Registrations: the genuine builds of apps. No cascade from the app: an app with registrations cannot be deleted
 * (the apps service answers 409). Expired rows stay until removed; `expiry_published_at` says the sweeper has
 * published their end.
 */
export class RegistrationTables1795510000000 implements MigrationInterface {
  name = 'RegistrationTables1795510000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    // Every element a lowercase hex SHA-256 (no nulls: array_to_string would skip them).
    const digests = (column: string) =>
      `array_position(${column}, NULL) IS NULL AND array_to_string(${column}, ',') ~ '^([0-9a-f]{64}(,[0-9a-f]{64})*)?$'`;
    const statements = [
      `CREATE TABLE ${s}.registration (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES ${s}.tenant (id),
        app_id uuid NOT NULL REFERENCES ${s}.app (id),
        team_id uuid NOT NULL REFERENCES ${s}.team (id),
        platform text NOT NULL CHECK (platform IN ('android', 'ios')),
        package_name text,
        version_code_min bigint CHECK (version_code_min >= 0),
        version_code_max bigint CHECK (version_code_max >= version_code_min),
        signing_certificate_sha256 text[] CHECK (
          cardinality(signing_certificate_sha256) BETWEEN 1 AND 10 AND ${digests('signing_certificate_sha256')}
        ),
        lineage_certificate_sha256 text[] CHECK (
          cardinality(lineage_certificate_sha256) <= 20 AND ${digests('lineage_certificate_sha256')}
        ),
        version_name text,
        apple_team_id text,
        bundle_id text,
        version text,
        source text NOT NULL CHECK (source IN ('fields', 'apk')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        expiry_published_at timestamptz CHECK (expiry_published_at IS NULL OR expires_at IS NOT NULL),
        CHECK (
          (platform = 'android' AND package_name IS NOT NULL AND version_code_min IS NOT NULL
            AND signing_certificate_sha256 IS NOT NULL AND lineage_certificate_sha256 IS NOT NULL
            AND apple_team_id IS NULL AND bundle_id IS NULL AND version IS NULL)
          OR (platform = 'ios' AND apple_team_id IS NOT NULL AND bundle_id IS NOT NULL AND source = 'fields'
            AND package_name IS NULL AND version_code_min IS NULL AND version_code_max IS NULL
            AND signing_certificate_sha256 IS NULL AND lineage_certificate_sha256 IS NULL AND version_name IS NULL)
        )
      )`,
      // Lists page by id within the tenant, optionally by app or team; the sweeper looks for unpublished expiries.
      `CREATE INDEX registration_tenant_idx ON ${s}.registration (tenant_id, id)`,
      `CREATE INDEX registration_app_idx ON ${s}.registration (app_id, id)`,
      `CREATE INDEX registration_team_idx ON ${s}.registration (tenant_id, team_id, id)`,
      `CREATE INDEX registration_expiry_idx ON ${s}.registration (expires_at)
        WHERE expires_at IS NOT NULL AND expiry_published_at IS NULL`,
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${schemaOf(queryRunner)}.registration`);
  }
}
