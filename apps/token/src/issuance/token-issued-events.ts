import { eventHeaders, type EventData, TokenIssuedV1, topicName, type EventCatalog } from '@tessera/contracts';
import type { ProducerConnection } from '@tessera/messaging';
import type { BackgroundWorker } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';

/** Events waiting to be sent at most; beyond it (Kafka away a long time) new ones are dropped and counted. */
const MAX_BUFFERED = 10_000;
const FLUSH_INTERVAL_MS = 100;

/**
 * token.issued events, sent in batches straight to the tokens topic rather than through the outbox: one per token
 * at a thousand tokens a second would double the token service's database writes for an audit stream whose durable
 * counterpart is the integrity service's attestation events. At most once: a crash or a long Kafka outage drops
 * what is buffered, and says so in `tessera_token_issued_events_dropped_total`.
 */
export class TokenIssuedEvents implements BackgroundWorker {
  readonly name = 'token-issued-events';
  private buffer: { tenant: string; data: EventData<typeof TokenIssuedV1> }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly dropped: Counter;

  constructor(
    private readonly enabled: boolean,
    private readonly producer: ProducerConnection,
    private readonly catalog: EventCatalog,
    private readonly topicPrefix: string,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.dropped = new Counter({
      name: 'tessera_token_issued_events_dropped_total',
      help: 'token.issued events dropped because Kafka could not take them in time',
      registers: [registry],
    });
  }

  add(tenant: string, data: EventData<typeof TokenIssuedV1>): void {
    if (!this.enabled) return;
    if (this.buffer.length >= MAX_BUFFERED) {
      this.dropped.inc();
      return;
    }
    this.buffer.push({ tenant, data });
  }

  start(): Promise<void> {
    this.timer ??= setInterval(() => {
      this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
    }, FLUSH_INTERVAL_MS);
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      const producer = await this.producer.ensureConnected();
      await producer.send({
        topic: topicName(TokenIssuedV1.topic, this.topicPrefix),
        acks: -1,
        messages: batch.map(({ tenant, data }) => {
          const envelope = this.catalog.build(TokenIssuedV1, { tenant, producer: 'token', data });
          return {
            key: envelope.key,
            value: JSON.stringify(envelope),
            headers: eventHeaders(envelope),
          };
        }),
      });
    } catch (error) {
      // Keep them for the next flush while there is room; what does not fit is dropped and counted.
      const room = MAX_BUFFERED - this.buffer.length;
      this.buffer = [...batch.slice(0, room), ...this.buffer];
      if (batch.length > room) this.dropped.inc(batch.length - room);
      this.logger.warn({ err: error, waiting: this.buffer.length }, 'token.issued events not sent yet; retrying');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  isHealthy(): boolean {
    return !this.enabled || this.timer !== undefined;
  }
}
