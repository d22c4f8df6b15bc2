import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';

/**
 * The producer of requests and replies. Unlike ProducerConnection (the outbox's, one request in flight so that a
 * key's events keep their order) it lets kafkajs pipeline requests: a request or a reply stands alone, order does
 * not matter, throughput does. Acks from all in-sync replicas, as every Tessera producer. It connects in the
 * worker's start(), never lazily on the first send, so the first request pays no connection time.
 */
export class UnorderedProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      // murmur2, as the Java client: a reply key (the requester's id) lands on one partition whoever wrote it.
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: false,
      // A request is worth something for its timeout only: a few quick retries, then the caller hears of it.
      retry: { initialRetryTime: 50, retries: 3, maxRetryTime: 1000 },
    });
    this.producer.on(this.producer.events.CONNECT, () => {
      this.connected = true;
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async send(topic: string, message: Message): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: [message] });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
