import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type InProcessVerifierView, type StaleViewMode, startVerifierView } from '@tessera/verifier';
import type { Logger } from 'pino';
import { createApi } from './app';

export interface ExampleSettings {
  /** The Tessera deployment's Kafka (`KAFKA_BROKERS`, `KAFKA_TOPIC_PREFIX`): where the view is built from. */
  brokers: string[];
  topicPrefix: string;
  host: string;
  /** 0 for any free port. */
  port: number;
  audience?: readonly string[] | undefined;
  /** What a view too old to vouch for revocations does (`VERIFIER_WHEN_STALE` on a node). */
  whenStale?: StaleViewMode;
  logger: Logger;
}

export interface RunningExample {
  url: string;
  tessera: InProcessVerifierView;
  close(): Promise<void>;
}

/**
 * Starts the view (in the background: it rebuilds from Kafka and reports ready once caught up) and the HTTP server
 * at once, as a verifier node does: a load balancer asks `/health/ready`, and until the view has caught up tokens
 * are refused (unknown-key, or stale-view when fail-closed) rather than judged on part of the revocations.
 */
export async function startExample(settings: ExampleSettings): Promise<RunningExample> {
  const { logger } = settings;
  const tessera = startVerifierView({
    brokers: settings.brokers,
    topicPrefix: settings.topicPrefix,
    staleness: settings.whenStale && { maxStalenessMs: 300_000, whenStale: settings.whenStale },
    logger: logger.child({ component: 'tessera' }),
  });
  tessera.ready.then(
    () => {
      logger.info({ keys: tessera.view.keys.size }, 'the view of keys and revocations has caught up');
    },
    () => undefined,
  );

  const api = createApi({
    verifier: tessera.verifier,
    isReady: () => tessera.isReady(),
    audience: settings.audience,
    onDecision: (decision, mode) => {
      if (!decision.accepted) logger.info({ mode, reason: decision.reason }, `tessera refused a token (${mode})`);
    },
  });
  const server = createServer(api);
  server.listen(settings.port, settings.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${settings.host}:${port}`;
  logger.info({ url }, 'listening');

  return {
    url,
    tessera,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      await tessera.stop();
    },
  };
}
