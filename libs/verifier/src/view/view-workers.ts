import type { EventCatalog } from '@tessera/contracts';
import type { DeadLetterPublisher, EventConsumer, MessagingLogger, MessagingMetrics } from '@tessera/messaging';
import type { Kafka } from 'kafkajs';
import { type ExpiringEntries, ExpiryPurge } from './expiry-purge';
import type { FreshnessProbe } from './freshness-probe';
import type { VerifierView } from './verifier-view';

/** What runs beside a service to keep it going: the shape of service-runtime's BackgroundWorker, without Nest. */
export interface ViewWorker {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The last stop, when it differs from stop() (the consumer deletes its group); else stop(). */
  shutdown?(): Promise<void>;
  /** False while the view cannot be relied on: still rebuilding, or stale under a fail-closed policy. */
  isHealthy(): boolean;
  /** True once kafkajs gave up on the consumer: it must be stopped and started again. */
  needsRestart?(): boolean;
}

/** The Kafka side of a view: the client, and what its consumer needs besides (the sidecar's come from its runtime). */
export interface ViewConnection {
  kafka: Kafka;
  topicPrefix: string;
  catalog: EventCatalog;
  deadLetters: DeadLetterPublisher;
  logger: MessagingLogger;
  metrics?: MessagingMetrics | undefined;
  /** How often the topics' ends are read to tell how current the view is (default 1000 ms). */
  freshnessProbeMs?: number | undefined;
}

export interface ViewWorkers {
  consumer: EventConsumer<undefined>;
  /** The consumer (ready once caught up), the freshness probe and the expiry purge: run them all, ready when all are. */
  workers: readonly [ViewWorker, FreshnessProbe, ExpiryPurge];
}

/**
 * The workers that keep `view` current: its consumer of the keys and revocations topics, the probe of those topics'
 * ends, and the purge of expired revocations and of `verifier`'s expired cached tokens. The sidecar registers them
 * with its service lifecycle; `startVerifierView` runs them in an API server's process. One wiring for both, so an
 * in-process view behaves as a verifier node does.
 */
export function viewWorkers(view: VerifierView, verifier: ExpiringEntries, connection: ViewConnection): ViewWorkers {
  const { kafka, topicPrefix, logger } = connection;
  const consumer = view.consumer({
    kafka,
    topicPrefix,
    catalog: connection.catalog,
    deadLetters: connection.deadLetters,
    logger: withDetails(logger, { component: 'verifier-view', node: view.nodeId }),
    metrics: connection.metrics,
  });
  const consumerWorker: ViewWorker = {
    name: consumer.name,
    start: () => consumer.start(),
    stop: () => consumer.stop(),
    shutdown: () => consumer.shutdown(),
    needsRestart: () => consumer.needsRestart(),
    // Healthy once caught up, and from then on: a broker away leaves the view as it was, and the staleness policy
    // (the probe) decides whether it still serves.
    isHealthy: () => consumer.isCaughtUp,
  };
  const probe = view.freshnessProbe(consumer, {
    kafka,
    topicPrefix,
    logger: withDetails(logger, { component: 'view-freshness', node: view.nodeId }),
    intervalMs: connection.freshnessProbeMs,
  });
  return { consumer, workers: [consumerWorker, probe, new ExpiryPurge([view.revocations, verifier])] };
}

/** `logger` with `fixed` added to every entry (what pino's child does, for any MessagingLogger). */
function withDetails(logger: MessagingLogger, fixed: object): MessagingLogger {
  return {
    debug: (details, message) => {
      logger.debug({ ...fixed, ...details }, message);
    },
    info: (details, message) => {
      logger.info({ ...fixed, ...details }, message);
    },
    warn: (details, message) => {
      logger.warn({ ...fixed, ...details }, message);
    },
    error: (details, message) => {
      logger.error({ ...fixed, ...details }, message);
    },
  };
}
