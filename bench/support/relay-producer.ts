import { type Kafka, type Message, Partitioners } from 'kafkajs';

/**
 * A producer sending to `topic` as the outbox relay's does (murmur2 partitioning by key, acks from all in-sync
 * replicas), for `work` to publish batches through; disconnected after.
 */
export async function withRelayProducer(
  kafka: Kafka,
  topic: string,
  work: (publish: (messages: Message[]) => Promise<void>) => Promise<void>,
): Promise<void> {
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    await work(async (messages) => {
      await producer.send({ topic, acks: -1, messages });
    });
  } finally {
    await producer.disconnect();
  }
}
