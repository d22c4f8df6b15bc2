import { STALE_VIEW_MODES } from '@tessera/verifier';
import pino from 'pino';
import { startExample } from './server';

/** `npm run example:express`: the example API on PORT (8080), its view from the local Kafka unless told. */
async function main(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const example = await startExample({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    topicPrefix: process.env.KAFKA_TOPIC_PREFIX ?? '',
    host: process.env.HOST ?? '127.0.0.1',
    port: Number(process.env.PORT ?? 8080),
    audience: process.env.TESSERA_AUDIENCE?.split(','),
    whenStale: STALE_VIEW_MODES.find((mode) => mode === process.env.VERIFIER_WHEN_STALE),
    logger,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'stopping');
      void example.close().then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
