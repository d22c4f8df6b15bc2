import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';

export interface ReceivedMessage {
  topic: string;
  partition: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  offset: string;
}

function decodeHeaders(message: KafkaMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return headers;
}

/**
 * A test's window on a topic: reads it from the beginning in a group of its own and keeps everything it sees,
 * so assertions can wait for messages and check that no more than expected arrived.
 */
export class TopicProbe {
  readonly received: ReceivedMessage[] = [];
  private readonly kafka: Kafka;
  private consumer: ReturnType<Kafka['consumer']> | undefined;

  constructor(
    brokers: string[],
    private readonly topics: string[],
  ) {
    this.kafka = new Kafka({ clientId: 'tessera-test-probe', brokers, logLevel: logLevel.NOTHING });
  }

  async start(): Promise<this> {
    const consumer = this.kafka.consumer({
      groupId: `tessera-test-probe-${Math.random().toString(16).slice(2)}`,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    let joined: () => void = () => undefined;
    const hasJoined = new Promise<void>((resolve) => {
      joined = resolve;
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined();
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        this.received.push({
          topic,
          partition,
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? null,
          headers: decodeHeaders(message),
          offset: message.offset,
        });
      },
    });
    await hasJoined;
    return this;
  }

  /** Waits until `predicate` holds over what was received, or fails after `timeoutMs`. */
  async waitFor(
    predicate: (received: ReceivedMessage[]) => boolean,
    timeoutMs = 15_000,
    what = 'messages',
  ): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; received ${this.received.length}: ${JSON.stringify(this.received.slice(-5))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return this.received;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Produces raw messages (anything, including what no Tessera producer would write). */
export async function produceRaw(
  brokers: string[],
  topic: string,
  messages: { key: string; value: string | null; headers?: Record<string, string> }[],
): Promise<void> {
  const producer = new Kafka({ clientId: 'tessera-test-producer', brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** The consumer groups the broker holds now, by id. */
export async function consumerGroups(brokers: string[]): Promise<string[]> {
  const admin = new Kafka({ clientId: 'tessera-test-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.listGroups()).groups.map(({ groupId }) => groupId);
  } finally {
    await admin.disconnect();
  }
}
