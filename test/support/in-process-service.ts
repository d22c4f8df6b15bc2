import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceApp, type ServiceDefinition } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { eventually } from './eventually';
import { TEST_KEK } from './test-kek';
import type { TestEnvironment } from './test-environment';

/** What every stateful service gets in the tests: its schema and topic prefix, a small pool, a quick relay, silence. */
export function statefulServiceSettings(env: TestEnvironment, schema: string, topicPrefix: string) {
  return {
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    DATABASE_URL: env.databaseUrl,
    DATABASE_SCHEMA: schema,
    DATABASE_POOL_MAX: '4',
    OUTBOX_POLL_INTERVAL_MS: '250',
    LOG_LEVEL: 'silent',
    TESSERA_KEK: TEST_KEK,
  };
}

/** A service's Nest app in this process, listening on a free loopback port once /health/ready answers 200. */
export async function listenInProcess<Schema extends z.ZodObject>(
  definition: ServiceDefinition<Schema>,
  config: z.output<Schema>,
  logger: Logger,
): Promise<{ app: NestExpressApplication; url: string }> {
  const app = await createServiceApp(definition, config, logger);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  await eventually(
    async () => (await fetch(`${url}/health/ready`)).status === 200,
    `the ${definition.service} service to be ready`,
    60_000,
  );
  return { app, url };
}

/** Drops a test's schema once its service has stopped. */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const admin = new DataSource({ type: 'postgres', url: databaseUrl });
  await admin.initialize();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.destroy();
}
