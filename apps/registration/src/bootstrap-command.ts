import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@tessera/config';
import { EventCatalog } from '@tessera/contracts';
import { dataSourceOptions, migrateSchema } from '@tessera/database';
import { OutboxWriter } from '@tessera/messaging';
import { DataSource } from 'typeorm';
import { bootstrapTenant } from './access/bootstrap';
import { registrationSchema } from './migrations';
import { bootstrapCommandConfigSchema } from './registration.config';

const USAGE = 'usage: node dist/apps/registration/src/main.js bootstrap --tenant <id> [--name <display name>]';

/**
 * `main.js bootstrap --tenant acme`: migrates the schema, creates the tenant and its first admin key and prints
 * the key once on stdout (JSON). The running service's outbox relay publishes their events (the key's hash only).
 */
export async function runBootstrapCommand(args: string[]): Promise<number> {
  let options: { tenant?: string | undefined; name?: string | undefined };
  try {
    options = parseArgs({ args, options: { tenant: { type: 'string' }, name: { type: 'string' } } }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 64;
  }
  if (!options.tenant) {
    process.stderr.write(`--tenant is required\n${USAGE}\n`);
    return 64;
  }
  let config;
  try {
    config = loadConfig('tessera-registration', bootstrapCommandConfigSchema);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 78;
    }
    throw error;
  }
  const dataSource = new DataSource(
    dataSourceOptions(
      {
        url: config.DATABASE_URL,
        schema: config.DATABASE_SCHEMA,
        poolMax: 2,
        applicationName: 'tessera-registration-bootstrap',
      },
      registrationSchema,
    ),
  );
  await dataSource.initialize();
  try {
    await migrateSchema(dataSource, config.DATABASE_SCHEMA);
    const outbox = new OutboxWriter(
      config.DATABASE_SCHEMA,
      new EventCatalog(),
      'registration',
      config.KAFKA_TOPIC_PREFIX,
    );
    const result = await bootstrapTenant(dataSource, outbox, config.DATABASE_SCHEMA, {
      id: options.tenant,
      name: options.name,
    });
    process.stdout.write(
      `${JSON.stringify({ ...result, note: 'store this key now: it is shown once and kept only as a hash' })}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`bootstrap failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await dataSource.destroy();
  }
}
