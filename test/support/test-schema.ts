import { migrateSchema } from '@tessera/database';
import { MessagingTablesV11795300000000 } from '@tessera/messaging';
import { DataSource } from 'typeorm';

/** A schema of its own for one test, migrated with the messaging tables, dropped afterwards. */
export async function createTestSchema(databaseUrl: string, schema: string): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    schema,
    migrations: [MessagingTablesV11795300000000],
    migrationsTableName: 'migrations',
    synchronize: false,
    extra: { max: 8 },
  });
  await dataSource.initialize();
  await migrateSchema(dataSource, schema);
  return dataSource;
}

export async function dropTestSchema(dataSource: DataSource, schema: string): Promise<void> {
  await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await dataSource.destroy();
}
