import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadConfig, type ServiceConfig } from '@tessera/config';
import type { Logger } from 'pino';
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
  app.use(requestLogging(logger));
  app.use(httpMetrics(app.get(MetricsRegistry)));
  // Endpoints that take larger bodies (APK uploads) stream them with limits of their own.
  app.useBodyParser('json', { limit: '64kb' });
  app.useGlobalFilters(new AllExceptionsFilter(logger));
  app.disable('x-powered-by');
  return app;
}

/**
 * Entry point of every service: validated config (a bad value stops it with a message naming the variable),
 * JSON logs, HTTP on PORT, graceful shutdown on SIGTERM/SIGINT bounded by SHUTDOWN_TIMEOUT_MS.
 */
export async function runService<Schema extends z.ZodObject>(definition: ServiceDefinition<Schema>): Promise<void> {
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
