import type { QueryRunner } from 'typeorm';

/** Quotes a schema or table name that was validated as an identifier (they cannot be bound parameters). */
export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe SQL identifier: ${name}`);
  return `"${name}"`;
}

/** The quoted schema a migration runs in: its DataSource's, so each deployment and test has its own. */
export function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.dataSource.options as { schema?: string }).schema;
  if (!schema) throw new Error('a service migration needs the DataSource to name its schema');
  return quoteIdentifier(schema);
}
