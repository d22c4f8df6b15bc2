import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';
import { auditEventTable } from '@tessera/service-runtime';

/**
 * Pin rotations (the pins they add and retire, and when each step happened: the state follows from these times),
 * and the audit log of the pins service's changes: who (the API key, or none for the service's own schedule), what,
 * and the state before and after.
 */
export class PinRotationTables1795800000003 implements MigrationInterface {
  name = 'PinRotationTables1795800000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    const statements = [
      `CREATE TABLE ${s}.pin_rotation (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        domain_id uuid NOT NULL,
        new_pins jsonb NOT NULL,
        retire_pins text[] NOT NULL,
        starts_at timestamptz NOT NULL,
        max_config_lifetime_seconds integer NOT NULL CHECK (max_config_lifetime_seconds > 0),
        published_at timestamptz,
        switched_at timestamptz,
        retired_at timestamptz,
        cancelled_at timestamptz,
        emergency boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX pin_rotation_domain_idx ON ${s}.pin_rotation (tenant_id, domain_id, created_at)`,
      // What the publishing worker looks for each round.
      `CREATE INDEX pin_rotation_due_idx ON ${s}.pin_rotation (starts_at)
        WHERE published_at IS NULL AND cancelled_at IS NULL AND retired_at IS NULL`,
      ...auditEventTable(s),
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['audit_event', 'pin_rotation']) await queryRunner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
  }
}
