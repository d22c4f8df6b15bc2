import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, createServiceApp } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';
import { integrityConfigSchema } from '../../apps/integrity/src/integrity.config';
import { integrityService } from '../../apps/integrity/src/integrity.service-definition';
import { eventually } from './eventually';
import type { TestEnvironment } from './test-environment';

/** The integrity service in this process, on a schema and topic prefix of its own; ready once its view caught up. */
export class IntegrityApp {
  private constructor(
    readonly app: NestExpressApplication,
    readonly url: string,
    readonly schema: string,
    private readonly databaseUrl: string,
  ) {}

  static async start(
    env: TestEnvironment,
    schema: string,
    topicPrefix: string,
    settings: Record<string, string> = {},
  ): Promise<IntegrityApp> {
    const config = integrityConfigSchema.parse({
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      DATABASE_URL: env.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_MAX: '4',
      OUTBOX_POLL_INTERVAL_MS: '250',
      LOG_LEVEL: 'silent',
      ...settings,
    });
    const app = await createServiceApp(integrityService, config, createLogger('integrity', config.LOG_LEVEL));
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const started = new IntegrityApp(app, `http://127.0.0.1:${address.port}`, schema, env.databaseUrl);
    await eventually(
      async () => (await fetch(`${started.url}/health/ready`)).status === 200,
      'the integrity service to be ready',
      60_000,
    );
    return started;
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  /** POSTs JSON (or a raw body) to the service; the status and parsed body. */
  async post(
    path: string,
    body: unknown,
    options: { rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: options.rawBody ?? JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  async stop(dropSchema = true): Promise<void> {
    await this.app.close();
    if (!dropSchema) return;
    const admin = new DataSource({ type: 'postgres', url: this.databaseUrl });
    await admin.initialize();
    await admin.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await admin.destroy();
  }
}
