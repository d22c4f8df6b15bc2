import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, type DatabaseServiceConfig, loadConfig, type ServiceConfig } from '@tessera/config';
import { dataSourceOptions, migrateSchema, type SchemaContents } from '@tessera/database';
import { DataSource } from 'typeorm';
import pino, { type Logger } from 'pino';
import type { z } from 'zod';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { createLogger } from './logging/logger';
import { PinoNestLogger } from './logging/pino-nest-logger';
import { requestLogging } from './logging/request-logging';
import { httpMetrics } from './metrics/http-metrics';
import { MetricsRegistry } from './metrics/metrics-registry';

export interface ServiceDefinition<Schema extends z.ZodObject> {
  /** Short name: registration, integrity, token, pins, verifier. */
  service: string;
  configSchema: Schema;
  module: (config: z.output<Schema>, logger: Logger) => DynamicModule;
  /** The service's tables, for services that keep state; `main.js migrate` runs these migrations and exits. */
  database?: SchemaContents;
  /** Path prefixes answered without an access log line (see RequestLoggingOptions). */
  unloggedPaths?: readonly string[];
  /** The largest JSON body any route takes (body-parser's syntax, e.g. '32kb'); default '64kb'. */
  jsonBodyLimit?: string;
  /** Express settings of the service's own, e.g. `trust proxy`, applied before the app listens. */
  configureApp?: (app: NestExpressApplication, config: z.output<Schema>) => void;
}

/** Builds the Nest application of a service with its middleware, without listening (tests listen themselves). */
export async function createServiceApp<Schema extends z.ZodObject>(
  definition: ServiceDefinition<Schema>,
  config: z.output<Schema>,
  logger: Logger,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(definition.module(config, logger), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  app.use(requestLogging(logger, { unloggedPaths: definition.unloggedPaths ?? [] }));
  app.use(httpMetrics(app.get(MetricsRegistry)));
  // Endpoints that take larger bodies (APK uploads) stream them with limits of their own.
  app.useBodyParser('json', { limit: definition.jsonBodyLimit ?? '64kb' });
  app.useGlobalFilters(new AllExceptionsFilter(logger));
  app.disable('x-powered-by');
  // Express would hash every answer for a weak ETag; no Tessera client makes conditional requests.
  app.set('etag', false);
  // The client IP (rate limits, audit) is the socket's unless proxies in front are trusted to say otherwise.
  app.set('trust proxy', (config as unknown as ServiceConfig).TRUSTED_PROXIES);
  definition.configureApp?.(app, config);
  return app;
}

/**
 * Entry point of every service: validated config (a bad value stops it with a message naming the variable),
 * JSON logs, HTTP on PORT, graceful shutdown on SIGTERM/SIGINT bounded by SHUTDOWN_TIMEOUT_MS.
 */
export async function runService<Schema extends z.ZodObject>(definition: ServiceDefinition<Schema>): Promise<void> {
  try {
    await startService(definition);
  } catch (error) {
    // Wiring errors, a port in use: one JSON line on stderr and a non-zero exit, not an unhandled rejection.
    const logger = createLogger(definition.service, 'fatal', pino.destination({ dest: 2, sync: true }));
    logger.fatal({ err: error }, `tessera-${definition.service} could not start`);
    process.exit(1);
  }
}

async function startService<Schema extends z.ZodObject>(definition: ServiceDefinition<Schema>): Promise<void> {
  let config: z.output<Schema>;
  try {
    config = loadConfig(`tessera-${definition.service}`, definition.configSchema);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const base = config as unknown as ServiceConfig;
  const logger = createLogger(definition.service, base.LOG_LEVEL);
  if (process.argv[2] === 'migrate') {
    await migrateAndExit(definition, config as unknown as DatabaseServiceConfig, logger);
    return;
  }
  const app = await createServiceApp(definition, config, logger);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // If draining hangs, leave anyway: the orchestrator would kill us less politely.
      setTimeout(() => {
        logger.error({ timeoutMs: base.SHUTDOWN_TIMEOUT_MS }, 'graceful shutdown timed out; exiting');
        process.exit(1);
      }, base.SHUTDOWN_TIMEOUT_MS).unref();
    });
  }
  await app.listen(base.PORT, base.HOST);
  logger.info(
    { url: `http://${base.HOST === '0.0.0.0' ? '127.0.0.1' : base.HOST}:${base.PORT}` },
    `tessera-${definition.service} listening`,
  );
}

/** `node main.js migrate`: brings the service's schema up to date and exits (for deploy pipelines). */
async function migrateAndExit<Schema extends z.ZodObject>(
  definition: ServiceDefinition<Schema>,
  config: DatabaseServiceConfig,
  logger: Logger,
): Promise<void> {
  if (!definition.database) {
    logger.info(`tessera-${definition.service} keeps nothing in a database; nothing to migrate`);
    process.exit(0);
  }
  const dataSource = new DataSource(
    dataSourceOptions(
      {
        url: config.DATABASE_URL,
        schema: config.DATABASE_SCHEMA,
        poolMax: 2,
        applicationName: `tessera-${definition.service}-migrate`,
      },
      definition.database,
    ),
  );
  try {
    await dataSource.initialize();
    const ran = await migrateSchema(dataSource, config.DATABASE_SCHEMA);
    logger.info(
      { schema: config.DATABASE_SCHEMA, migrationsRun: ran },
      ran.length > 0 ? 'migrated' : 'schema already up to date',
    );
    await dataSource.destroy();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error, schema: config.DATABASE_SCHEMA }, 'migration failed');
    process.exit(1);
  }
}
