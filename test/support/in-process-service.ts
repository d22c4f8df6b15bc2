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

export interface CallOptions {
  /** An API key, sent as `Authorization: Bearer <key>`. */
  key?: string;
  body?: unknown;
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** One request to a service's HTTP API: JSON in (unless rawBody), the status and the parsed JSON answer out. */
export async function callService(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  let body: string | Uint8Array | undefined;
  if (options.rawBody !== undefined || options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = options.rawBody ?? JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
