import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';
import { integrityConfigSchema } from '../../apps/integrity/src/integrity.config';
import { integrityService } from '../../apps/integrity/src/integrity.service-definition';
import { dropSchema, listenInProcess, statefulServiceSettings } from './in-process-service';
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
    const config = integrityConfigSchema.parse({ ...statefulServiceSettings(env, schema, topicPrefix), ...settings });
    const logger = createLogger('integrity', config.LOG_LEVEL);
    const { app, url } = await listenInProcess(integrityService, config, logger);
    return new IntegrityApp(app, url, schema, env.databaseUrl);
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

  async stop(drop = true): Promise<void> {
    await this.app.close();
    if (drop) await dropSchema(this.databaseUrl, this.schema);
  }
}
