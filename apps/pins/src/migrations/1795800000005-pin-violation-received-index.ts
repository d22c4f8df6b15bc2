import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/** The retention purge deletes reports by their arrival across tenants: an index of its own. */
export class PinViolationReceivedIndex1795800000005 implements MigrationInterface {
  name = 'PinViolationReceivedIndex1795800000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX pin_violation_received ON ${schemaOf(queryRunner)}.pin_violation (received_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS ${schemaOf(queryRunner)}.pin_violation_received`);
  }
}
