import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';
import { pinsConfigSchema } from '../../apps/pins/src/pins.config';
import { pinsService } from '../../apps/pins/src/pins.service-definition';
import {
  type CallOptions,
  callService,
  dropSchema,
  listenInProcess,
  statefulServiceSettings,
} from './in-process-service';
import type { TestEnvironment } from './test-environment';

/** The pins service in this process, on a schema and topic prefix of its own, listening on a free port. */
export class PinsApp {
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
  ): Promise<PinsApp> {
    const config = pinsConfigSchema.parse({ ...statefulServiceSettings(env, schema, topicPrefix), ...settings });
    const { app, url } = await listenInProcess(pinsService, config, createLogger('pins', config.LOG_LEVEL));
    return new PinsApp(app, url, schema, env.databaseUrl);
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  call(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    return callService(this.url, method, path, options);
  }

  async stop(drop = true): Promise<void> {
    await this.app.close();
    if (drop) await dropSchema(this.databaseUrl, this.schema);
  }
}
