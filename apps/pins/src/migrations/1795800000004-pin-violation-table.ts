import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/**
 * Pin-violation reports from the SDK. The served chain is kept as each certificate's pin, names and dates (JSON,
 * bounded by the report contract), not as the certificates; the indexes serve the admin API's newest-first pages.
 */
export class PinViolationTable1795800000004 implements MigrationInterface {
  name = 'PinViolationTable1795800000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE ${s}.pin_violation (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        app_id uuid NOT NULL,
        identity text NOT NULL CHECK (identity IN ('verified', 'claimed')),
        installation_id text NOT NULL,
        device_id text,
        sdk_version text NOT NULL,
        hostname text NOT NULL,
        port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
        pattern text NOT NULL,
        expected_pins jsonb NOT NULL,
        served_chain jsonb NOT NULL,
        config_version bigint NOT NULL CHECK (config_version >= 0),
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        client_ip text
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX pin_violation_newest ON ${s}.pin_violation (tenant_id, received_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX pin_violation_app_newest ON ${s}.pin_violation (tenant_id, app_id, received_at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${schemaOf(queryRunner)}.pin_violation`);
  }
}
