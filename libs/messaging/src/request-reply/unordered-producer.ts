import { type Kafka, type Message, Partitioners, type Producer, type TopicMessages } from 'kafkajs';

interface Queued {
  topic: string;
  message: Message;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The producer of requests and replies. Unlike ProducerConnection (the outbox's, one request in flight so that a
 * key's events keep their order) it lets kafkajs pipeline requests: a request or a reply stands alone, order does
 * not matter, throughput does. Messages sent in one turn of the event loop go out in one produce request: under
 * load that is many requests (or replies) per socket write instead of one each, which is most of the CPU a send
 * costs; alone, a message waits for nothing but the end of the current turn. Acks from all in-sync replicas, as
 * every Tessera producer. It connects in the worker's start(), never lazily on the first send.
 */
export class UnorderedProducer {
  private readonly producer: Producer;
  private connected = false;
  private queue: Queued[] = [];
  private flushScheduled = false;

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

  /** Resolves once Kafka acknowledged the message; rejects with the producer's error after its retries. */
  send(topic: string, message: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, message, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flush();
        });
      }
    });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of batch) {
      const messages = byTopic.get(topic);
      if (messages) messages.push(message);
      else byTopic.set(topic, [message]);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    // One produce request: its messages share its fate (acknowledged or failed together).
    this.producer.sendBatch({ acks: -1, topicMessages }).then(
      () => {
        for (const queued of batch) queued.resolve();
      },
      (error: unknown) => {
        for (const queued of batch) queued.reject(error);
      },
    );
  }
}
