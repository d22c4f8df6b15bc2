import { crc32 } from 'node:zlib';
import type { DataSource } from 'typeorm';

/**
 * Brings a service's schema up to date: creates the schema, then runs pending migrations, each in its own
 * transaction, while holding an advisory lock so that instances starting together migrate one at a time.
 * Returns the names of the migrations it ran.
 */
export async function migrateSchema(dataSource: DataSource, schema: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  const lock = crc32(`tessera-migrations:${schema}`) | 0;
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1::int)', [lock]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1::int)', [lock]);
    }
  } finally {
    await runner.release();
  }
}
