import type { DataSourceOptions } from 'typeorm';

export interface DatabaseSettings {
  url: string;
  /** Each service owns one schema; no service reads another's. */
  schema: string;
  poolMax: number;
  applicationName: string;
}

export interface SchemaContents {
  // TypeORM takes classes here.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
}

/**
 * TypeORM options for a service: its own schema, committed migrations only (never `synchronize`), migrations
 * recorded in the service's schema.
 */
export function dataSourceOptions(settings: DatabaseSettings, contents: SchemaContents): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    schema: settings.schema,
    entities: contents.entities,
    migrations: contents.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    applicationName: settings.applicationName,
    connectTimeoutMS: 5000,
    // Migrations hold one connection for their advisory lock and run on another.
    extra: { max: Math.max(2, settings.poolMax) },
  };
}
