import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/** Device overrides: a device forced to pass or fail attestation, for one app or every app of a tenant. */
export class DeviceOverrideTables1795520000001 implements MigrationInterface {
  name = 'DeviceOverrideTables1795520000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    const statements = [
      `CREATE TABLE ${s}.device_override (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES ${s}.tenant (id),
        -- 1-256 printable ASCII characters (a regex repetition count stops at 255 in Postgres).
        device_id text NOT NULL CHECK (char_length(device_id) BETWEEN 1 AND 256 AND device_id ~ '^[ -~]+$'),
        -- null: every app of the tenant. No cascade: an app with overrides cannot be deleted until they are
        -- removed, so each override leaves Kafka through its own tombstone.
        app_id uuid REFERENCES ${s}.app (id),
        verdict text NOT NULL CHECK (verdict IN ('pass', 'fail')),
        reason text CHECK (char_length(reason) <= 500),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        -- Set when the expiry sweeper has written the tombstone and the audit entry.
        expiry_published_at timestamptz,
        created_by_key_id text
      )`,
      // One override in force per device and app (or tenant-wide): a second one is refused with the first's id.
      // Expired ones drop out of the index once swept, so they stay listable without blocking a new one.
      `CREATE UNIQUE INDEX device_override_in_force_idx ON ${s}.device_override
        (tenant_id, device_id, coalesce(app_id, '00000000-0000-0000-0000-000000000000'::uuid))
        WHERE expiry_published_at IS NULL`,
      `CREATE INDEX device_override_tenant_idx ON ${s}.device_override (tenant_id, id)`,
      `CREATE INDEX device_override_app_idx ON ${s}.device_override (app_id) WHERE app_id IS NOT NULL`,
      `CREATE INDEX device_override_expiry_idx ON ${s}.device_override (expires_at)
        WHERE expires_at IS NOT NULL AND expiry_published_at IS NULL`,
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${schemaOf(queryRunner)}.device_override`);
  }
}
