import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesV1 } from './messaging-tables';

function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.dataSource.options as { schema?: string }).schema;
  if (!schema) throw new Error('messaging tables need the DataSource to name its schema');
  return schema;
}

/** The outbox and processed-event tables, in the schema of whichever service runs it. */
export class MessagingTablesV11795300000000 implements MigrationInterface {
  name = 'MessagingTablesV11795300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of messagingTablesV1(schemaOf(queryRunner)).up) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of messagingTablesV1(schemaOf(queryRunner)).down) await queryRunner.query(sql);
  }
}
