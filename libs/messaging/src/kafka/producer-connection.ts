import { type Kafka, Partitioners, type Producer } from 'kafkajs';

/**
 * One kafkajs producer per service, (re)connected on demand: a service starts while Kafka is away and publishes
 * once it is back. Ordered per partition: one request in flight at a time, acks from all in-sync replicas.
 */
export class ProducerConnection {
  readonly producer: Producer;
  private connected = false;
  private connecting: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      // murmur2, as the Java client: a key lands on the same partition whichever client wrote it.
      createPartitioner: Partitioners.DefaultPartitioner,
      maxInFlightRequests: 1,
      idempotent: false,
      retry: { initialRetryTime: 100, retries: 3, maxRetryTime: 2000 },
    });
    this.producer.on(this.producer.events.CONNECT, () => {
      this.connected = true;
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  async ensureConnected(): Promise<Producer> {
    if (!this.connected) {
      this.connecting ??= this.producer.connect().finally(() => {
        this.connecting = undefined;
      });
      await this.connecting;
    }
    return this.producer;
  }

  async disconnect(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    await this.producer.disconnect();
  }
}
