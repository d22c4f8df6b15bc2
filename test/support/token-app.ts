import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, createServiceApp } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';
import { TokenInspector } from '../../apps/token/src/inspection/token-inspector';
import { TokenIssuance } from '../../apps/token/src/issuance/token-issuance';
import { SigningKeysService } from '../../apps/token/src/keys/signing-keys.service';
import { tokenConfigSchema } from '../../apps/token/src/token.config';
import { tokenService } from '../../apps/token/src/token.service-definition';
import { eventually } from './eventually';
import { TEST_KEK } from './test-kek';
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
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      DATABASE_URL: env.databaseUrl,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_MAX: '4',
      OUTBOX_POLL_INTERVAL_MS: '250',
      LOG_LEVEL: 'silent',
      TESSERA_KEK: TEST_KEK,
      TOKEN_ISSUER: 'https://tessera.test',
      ...settings,
    });
    const app = await createServiceApp(tokenService, config, createLogger('token', config.LOG_LEVEL));
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const started = new TokenApp(app, `http://127.0.0.1:${address.port}`, schema, env.databaseUrl);
    await eventually(
      async () => (await fetch(`${started.url}/health/ready`)).status === 200,
      'the token service to be ready',
      60_000,
    );
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

  async stop(dropSchema = true): Promise<void> {
    await this.app.close();
    if (!dropSchema) return;
    const admin = new DataSource({ type: 'postgres', url: this.databaseUrl });
    await admin.initialize();
    await admin.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await admin.destroy();
  }
}
