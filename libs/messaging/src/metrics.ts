import { Counter, Histogram, type Registry } from 'prom-client';

/** Round trips from 1 ms (a warm local exchange) to 5 s (beyond any sensible request timeout). */
const REQUEST_DURATION_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];

/** Kafka, outbox and request/reply metrics, registered on the service's own registry. */
export class MessagingMetrics {
  readonly published: Counter<'topic'>;
  readonly publishFailures: Counter<'schema'>;
  readonly relayLatency: Histogram<'schema'>;
  readonly consumed: Counter<'topic' | 'group' | 'outcome'>;
  readonly deadLettered: Counter<'topic' | 'group'>;
  readonly handlerFailures: Counter<'topic' | 'group'>;
  readonly requestsSent: Counter<'type' | 'outcome'>;
  readonly requestDuration: Histogram<'type'>;
  readonly requestsAnswered: Counter<'type' | 'outcome'>;
  readonly repliesDropped: Counter<'reason'>;

  constructor(registry: Registry) {
    this.published = new Counter({
      name: 'tessera_kafka_messages_published_total',
      help: 'Messages published to Kafka by the outbox relay, by topic',
      labelNames: ['topic'],
      registers: [registry],
    });
    this.publishFailures = new Counter({
      name: 'tessera_outbox_publish_failures_total',
      help: 'Outbox relay batches that could not be published (they are retried)',
      labelNames: ['schema'],
      registers: [registry],
    });
    this.relayLatency = new Histogram({
      name: 'tessera_outbox_commit_to_publish_seconds',
      help: 'Time from an outbox row being written to its event being acknowledged by Kafka',
      labelNames: ['schema'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    this.consumed = new Counter({
      name: 'tessera_kafka_messages_consumed_total',
      help: 'Messages consumed, by topic, consumer group and outcome (applied, duplicate, ignored, tombstone, dead-lettered)',
      labelNames: ['topic', 'group', 'outcome'],
      registers: [registry],
    });
    this.deadLettered = new Counter({
      name: 'tessera_kafka_dead_letters_total',
      help: 'Messages sent to the dead-letter topic, by source topic and consumer group',
      labelNames: ['topic', 'group'],
      registers: [registry],
    });
    this.handlerFailures = new Counter({
      name: 'tessera_kafka_handler_failures_total',
      help: 'Handler attempts that failed and will be retried',
      labelNames: ['topic', 'group'],
      registers: [registry],
    });
    this.requestsSent = new Counter({
      name: 'tessera_kafka_requests_sent_total',
      help: 'Requests sent over Kafka, by request type and outcome (ok, the reply error code, timeout, malformed, not-sent, stopped)',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    });
    this.requestDuration = new Histogram({
      name: 'tessera_kafka_request_duration_seconds',
      help: 'From sending a request to receiving its reply (ok or error), by request type',
      labelNames: ['type'],
      buckets: REQUEST_DURATION_BUCKETS,
      registers: [registry],
    });
    this.requestsAnswered = new Counter({
      name: 'tessera_kafka_requests_answered_total',
      help: 'Requests taken by a responder, by request type and outcome (ok, the reply error code, expired, dropped, reply-failed)',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    });
    this.repliesDropped = new Counter({
      name: 'tessera_kafka_replies_dropped_total',
      help: 'Replies addressed to this requester that nobody waited for: late (the request had timed out) or unknown',
      labelNames: ['reason'],
      registers: [registry],
    });
  }
}
