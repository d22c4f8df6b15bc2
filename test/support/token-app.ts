import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';
import { TokenInspector } from '../../apps/token/src/inspection/token-inspector';
import { TokenIssuance } from '../../apps/token/src/issuance/token-issuance';
import { SigningKeysService } from '../../apps/token/src/keys/signing-keys.service';
import { tokenConfigSchema } from '../../apps/token/src/token.config';
import { tokenService } from '../../apps/token/src/token.service-definition';
import { dropSchema, listenInProcess, statefulServiceSettings } from './in-process-service';
import type { TestEnvironment } from './test-environment';

/** The token service in this process, on a schema and topic prefix of its own, listening on a free port. */
export class TokenApp {
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
  ): Promise<TokenApp> {
    const config = tokenConfigSchema.parse({
      ...statefulServiceSettings(env, schema, topicPrefix),
      TOKEN_ISSUER: 'https://tessera.test',
      ...settings,
    });
    const { app, url } = await listenInProcess(tokenService, config, createLogger('token', config.LOG_LEVEL));
    const started = new TokenApp(app, url, schema, env.databaseUrl);
    return started;
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  get issuance(): TokenIssuance {
    return this.app.get(TokenIssuance);
  }

  get keys(): SigningKeysService {
    return this.app.get(SigningKeysService);
  }

  get inspector(): TokenInspector {
    return this.app.get(TokenInspector);
  }

  async get(path: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
    const response = await fetch(`${this.url}${path}`);
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
