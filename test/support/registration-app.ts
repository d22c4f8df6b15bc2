import { Writable } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { OutboxWriter } from '@tessera/messaging';
import { createLogger } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';
import { bootstrapTenant, type BootstrappedTenant } from '../../apps/registration/src/access/bootstrap';
import { registrationConfigSchema } from '../../apps/registration/src/registration.config';
import { registrationService } from '../../apps/registration/src/registration.service-definition';
import {
  type CallOptions,
  callService,
  dropSchema,
  listenInProcess,
  statefulServiceSettings,
} from './in-process-service';
import type { TestEnvironment } from './test-environment';

/** The registration service in this process, on a schema and topic prefix of its own, listening on a free port. */
export class RegistrationApp {
  private constructor(
    readonly app: NestExpressApplication,
    readonly url: string,
    readonly schema: string,
    private readonly databaseUrl: string,
    /** Every line the service logged, at the LOG_LEVEL given in the settings (default: none). */
    readonly logLines: readonly string[],
  ) {}

  static async start(
    env: TestEnvironment,
    schema: string,
    topicPrefix: string,
    settings: Record<string, string> = {},
  ): Promise<RegistrationApp> {
    const config = registrationConfigSchema.parse({
      ...statefulServiceSettings(env, schema, topicPrefix),
      ...settings,
    });
    const logLines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger('registration', config.LOG_LEVEL, destination);
    const { app, url } = await listenInProcess(registrationService, config, logger);
    const started = new RegistrationApp(app, url, schema, env.databaseUrl, logLines);
    return started;
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  bootstrap(tenantId: string, name?: string): Promise<BootstrappedTenant> {
    return bootstrapTenant(this.dataSource, this.app.get(OutboxWriter), this.schema, { id: tenantId, name });
  }

  /** One request to the admin API; the body is JSON when there is one (`rawBody` as is, JSON unless told). */
  call(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    return callService(this.url, method, path, options);
  }

  /** A team of the key's tenant with one developer key, made through the API as an admin would. */
  async teamWithDeveloper(adminKey: string, name: string): Promise<{ teamId: string; developerKey: string }> {
    const team = await this.call('POST', '/v1/teams', { key: adminKey, body: { name } });
    if (team.status !== 201) throw new Error(`creating team ${name}: ${team.status} ${JSON.stringify(team.body)}`);
    const key = await this.call('POST', '/v1/keys', {
      key: adminKey,
      body: { name: `${name} developer`, role: 'developer', teamId: team.body.id },
    });
    if (key.status !== 201) throw new Error(`creating a developer key: ${key.status} ${JSON.stringify(key.body)}`);
    return { teamId: team.body.id as string, developerKey: key.body.key as string };
  }

  /** Rows of one of the service's tables, for checks that a refused request wrote nothing. */
  async count(table: string): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${this.schema}"."${table}"`,
    );
    return rows[0]?.n ?? 0;
  }

  /** Rows of several tables, by table: what a refused request must leave as it was. */
  async counts<Table extends string>(...tables: Table[]): Promise<Record<Table, number>> {
    const counted = {} as Record<Table, number>;
    for (const table of tables) counted[table] = await this.count(table);
    return counted;
  }

  async stop(drop = true): Promise<void> {
    await this.app.close();
    if (drop) await dropSchema(this.databaseUrl, this.schema);
  }
}
