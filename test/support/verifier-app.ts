import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, createServiceApp } from '@tessera/service-runtime';
import { verifierConfigSchema } from '../../apps/verifier/src/verifier.config';
import { verifierService } from '../../apps/verifier/src/verifier.service-definition';
import { eventually } from './eventually';
import type { TestEnvironment } from './test-environment';

/** A verifier node in this process, on a topic prefix, listening on a free port; ready once caught up. */
export class VerifierApp {
  private constructor(
    readonly app: NestExpressApplication,
    readonly url: string,
  ) {}

  static async start(
    env: TestEnvironment,
    topicPrefix: string,
    settings: Record<string, string> = {},
  ): Promise<VerifierApp> {
    const config = verifierConfigSchema.parse({
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      LOG_LEVEL: 'silent',
      ...settings,
    });
    const app = await createServiceApp(verifierService, config, createLogger('verifier', config.LOG_LEVEL));
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const started = new VerifierApp(app, `http://127.0.0.1:${address.port}`);
    await eventually(
      async () => (await fetch(`${started.url}/health/ready`)).status === 200,
      'the verifier to be ready',
      60_000,
    );
    return started;
  }

  async verify(
    token: string,
    boundValue?: string,
  ): Promise<{ decision: string; reason?: string; claims?: Record<string, unknown> }> {
    const response = await fetch(`${this.url}/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, boundValue }),
    });
    return (await response.json()) as { decision: string; reason?: string };
  }

  stop(): Promise<void> {
    return this.app.close();
  }
}
