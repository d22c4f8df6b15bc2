import { EventCatalog } from '@tessera/contracts';
import {
  createKafka,
  DeadLetterPublisher,
  type KafkaSettings,
  type MessagingLogger,
  MessagingMetrics,
  ProducerConnection,
  silentLogger,
} from '@tessera/messaging';
import type { Keyring } from '@tessera/sealing';
import { withDeadline } from '@tessera/timing';
import type { Registry } from 'prom-client';
import { TokenVerifier, type TokenVerifierOptions } from '../token-verifier';
import { VerifierView } from './verifier-view';
import type { StalenessPolicy } from './view-freshness';
import { viewWorkers } from './view-workers';
import { WorkerSupervisor } from './worker-supervisor';

export interface InProcessViewOptions {
  /** The deployment's Kafka brokers (`KAFKA_BROKERS`), e.g. `['kafka-1:9092']`. */
  brokers: string[];
  /** The deployment's `KAFKA_TOPIC_PREFIX`; none by default. */
  topicPrefix?: string;
  clientId?: string;
  ssl?: boolean;
  sasl?: KafkaSettings['sasl'];
  /** How old the view may get, and what then (default: 300 s, keep-serving), as `VERIFIER_*` on a node. */
  staleness?: StalenessPolicy;
  /** The deployment's KEK, which opens HS256 secrets; without it HS256 tokens are refused as unknown-key. */
  keyring?: Keyring;
  /** Without one nothing is logged, not even a consumer that gave up: pass your API server's (pino fits). */
  logger?: MessagingLogger;
  /** Where the consumer's metrics go (the `tessera_kafka_*` of a node), e.g. the registry your /metrics serves. */
  metricsRegistry?: Registry;
  /** How often the topics' ends are read to tell how current the view is (default 1000 ms). */
  freshnessProbeMs?: number;
  /** This process's name in its consumer group; by default the host name and a random part. */
  nodeId?: string;
  /** The rest of the verifier's options (cache, clock skew, unknownKeys); keys, revocations, freshness: the view's. */
  verifier?: Omit<TokenVerifierOptions, 'keys' | 'revocations' | 'freshness'>;
}

/** A verifier node's view, held by an API server: give `verifier` to `tesseraMiddleware` or `TesseraGuard`. */
export interface InProcessVerifierView {
  readonly view: VerifierView;
  /** Decides from the view, with its freshness: a stale view under a fail-closed policy refuses every token. */
  readonly verifier: TokenVerifier;
  /** Resolves once the view holds everything that was on its topics at start; rejects if stopped before. */
  readonly ready: Promise<void>;
  /** Caught up and, under a fail-closed policy, not stale: what a readiness check should answer. */
  isReady(): boolean;
  stop(): Promise<void>;
}

/**
 * Holds in this process the view a verifier node holds (every tenant's keys and the revocations, rebuilt from the
 * compacted keys and revocations topics on every start, then kept current by push), so that an API server needs
 * no sidecar. Returns at once; the view builds in the background, retrying while Kafka is away.
 */
export function startVerifierView(options: InProcessViewOptions): InProcessVerifierView {
  const logger = options.logger ?? silentLogger;
  const topicPrefix = options.topicPrefix ?? '';
  const kafka = createKafka(
    {
      brokers: options.brokers,
      clientId: options.clientId ?? 'tessera-verifier-view',
      topicPrefix,
      // Only read from Kafka: nothing is provisioned, so no replication factor is needed.
      replicationFactor: -1,
      ssl: options.ssl ?? false,
      sasl: options.sasl,
    },
    logger,
  );
  // Only for dead letters: an event the view cannot read goes to the dead-letter topic, as on a node.
  const producer = new ProducerConnection(kafka);
  const view = new VerifierView({ nodeId: options.nodeId, keyring: options.keyring, staleness: options.staleness });
  const verifier = new TokenVerifier({
    ...options.verifier,
    keys: view.keys,
    revocations: view.revocations,
    freshness: view.freshness,
  });
  const { consumer, workers } = viewWorkers(view, verifier, {
    kafka,
    topicPrefix,
    catalog: new EventCatalog(),
    deadLetters: new DeadLetterPublisher(producer, topicPrefix),
    logger,
    metrics: options.metricsRegistry && new MessagingMetrics(options.metricsRegistry),
    freshnessProbeMs: options.freshnessProbeMs,
  });
  const supervisor = new WorkerSupervisor(workers, logger);
  supervisor.start();

  let stopped: () => void = () => undefined;
  const ready = Promise.race([
    consumer.caughtUp,
    new Promise<never>((_resolve, reject) => {
      stopped = () => {
        reject(new Error('the verifier view was stopped before it caught up'));
      };
    }),
  ]);
  // Not every caller awaits `ready`; a stop before catching up must not become an unhandled rejection.
  ready.catch(() => undefined);

  return {
    view,
    verifier,
    ready,
    isReady: () => supervisor.unhealthyWorkers().length === 0,
    async stop() {
      stopped();
      await supervisor.stop();
      await withDeadline(
        producer.disconnect().catch(() => undefined),
        2500,
        undefined,
      );
    },
  };
}
