import { type DynamicModule, Module } from '@nestjs/common';
import { EventCatalog } from '@tessera/contracts';
import { DeadLetterPublisher, EventConsumer, MessagingMetrics } from '@tessera/messaging';
import { KafkaRuntime, MetricsRegistry, ServiceLifecycle, ServiceRuntimeModule } from '@tessera/service-runtime';
import { Keyring } from '@tessera/sealing';
import { JwksFallback, TokenVerifier, VerifierView, viewWorkers } from '@tessera/verifier';
import type { Logger } from 'pino';
import type { VerifierConfig } from './verifier.config';
import { TOKEN_VERIFIER } from './verify/tokens';
import { VerificationMetrics } from './verify/verification-metrics';
import { VerifyController } from './verify/verify.controller';

/** The verifier: token verification from an in-memory view of keys and revocations rebuilt from Kafka. */
@Module({})
export class VerifierModule {
  static register(config: VerifierConfig, logger: Logger): DynamicModule {
    return {
      module: VerifierModule,
      // It only reads topics, so it provisions none: verifier nodes need no admin rights on the cluster.
      imports: [
        ServiceRuntimeModule.forRoot({ service: 'verifier', config, logger, topics: [], kafkaGatesReadiness: false }),
      ],
      controllers: [VerifyController],
      providers: [
        {
          provide: VerifierView,
          useFactory: () =>
            new VerifierView({
              nodeId: config.VERIFIER_NODE_ID,
              keyring: config.TESSERA_KEK ? new Keyring(config.TESSERA_KEK, config.TESSERA_KEK_PREVIOUS) : undefined,
              staleness: {
                maxStalenessMs: config.VERIFIER_MAX_STALENESS_SECONDS * 1000,
                whenStale: config.VERIFIER_WHEN_STALE,
              },
            }),
        },
        {
          provide: TOKEN_VERIFIER,
          inject: [VerifierView, VerificationMetrics],
          useFactory: (view: VerifierView, metrics: VerificationMetrics) =>
            new TokenVerifier({
              keys: view.keys,
              revocations: view.revocations,
              freshness: view.freshness,
              unknownKeys: jwksFallback(config, view, metrics, logger.child({ component: 'jwks-fallback' })),
            }),
        },
        {
          provide: VerificationMetrics,
          inject: [MetricsRegistry, VerifierView],
          useFactory: (metrics: MetricsRegistry, view: VerifierView) => new VerificationMetrics(metrics.registry, view),
        },
        {
          // Ready only once caught up with both topics (the lifecycle's readiness counts registered consumers).
          provide: EventConsumer,
          inject: [
            ServiceLifecycle,
            KafkaRuntime,
            EventCatalog,
            DeadLetterPublisher,
            MessagingMetrics,
            VerifierView,
            TOKEN_VERIFIER,
          ],
          useFactory: (
            lifecycle: ServiceLifecycle,
            kafka: KafkaRuntime,
            catalog: EventCatalog,
            deadLetters: DeadLetterPublisher,
            metrics: MessagingMetrics,
            view: VerifierView,
            verifier: TokenVerifier,
          ) => {
            const { consumer, workers } = viewWorkers(view, verifier, {
              kafka: kafka.kafka,
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              catalog,
              deadLetters,
              logger,
              metrics,
              freshnessProbeMs: config.VERIFIER_FRESHNESS_PROBE_MS,
            });
            for (const worker of workers) lifecycle.register(worker);
            return consumer;
          },
        },
      ],
    };
  }
}

function jwksFallback(
  config: VerifierConfig,
  view: VerifierView,
  metrics: VerificationMetrics,
  logger: Logger,
): JwksFallback | undefined {
  if (config.VERIFIER_JWKS_URL === undefined || config.VERIFIER_ISSUER === undefined) return undefined;
  return new JwksFallback({
    keys: view.keys,
    jwksBaseUrl: config.VERIFIER_JWKS_URL,
    issuerBase: config.VERIFIER_ISSUER,
    minIntervalMs: config.VERIFIER_JWKS_MIN_INTERVAL_SECONDS * 1000,
    onFetch: (outcome, tenant, detail) => {
      metrics.jwksLookup(outcome);
      if (outcome === 'failed') logger.warn({ tenant, detail }, 'could not fetch the JWKS for an unknown kid');
      else if (outcome === 'found') logger.info({ tenant }, 'learnt a key from the JWKS before its key event');
    },
  });
}
