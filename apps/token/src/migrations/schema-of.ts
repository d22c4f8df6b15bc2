import { quoteIdentifier } from '@tessera/messaging';
import type { QueryRunner } from 'typeorm';

/** The quoted schema a migration runs in: the DataSource's, so each deployment and test has its own. */
export function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.dataSource.options as { schema?: string }).schema;
  if (!schema) throw new Error('the token tables need the DataSource to name its schema');
  return quoteIdentifier(schema);
}
