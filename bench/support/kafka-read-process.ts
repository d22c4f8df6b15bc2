/**
 * A fresh process that reads the keys and revocations topics with a bare kafkajs consumer (the client settings and
 * consumer options of EventConsumer, a batch at a time, nothing done with a message): the floor under any consumer
 * of these topics built on kafkajs, measured on the same topic and machine as the view's rebuild.
 */
import { Topics, topicName } from '@tessera/contracts';
import { createKafka, silentLogger } from '@tessera/messaging';
import { nextRequest, report, runForked } from './parent-channel';

async function main(): Promise<void> {
  const request = await nextRequest();
  if (request.type !== 'read') throw new Error(`expected a read request, got ${request.type}`);
  const topics = [Topics.keys, Topics.revocations].map((topic) => topicName(topic, request.prefix));
  const kafka = createKafka(
    {
      brokers: request.brokers,
      clientId: 'tessera-bench-reader',
      topicPrefix: request.prefix,
      replicationFactor: -1,
      ssl: false,
    },
    silentLogger,
  );
  // Next offset to reach per "topic:partition".
  const ends = new Map<string, number>();
  const admin = kafka.admin();
  await admin.connect();
  for (const topic of topics) {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
      if (Number(high) > 0) ends.set(`${topic}:${partition}`, Number(high));
    }
  }
  await admin.disconnect();
  // As EventConsumer creates its consumer for the verifier.
  const consumer = kafka.consumer({
    groupId: request.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 3000,
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let messages = 0;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    if (ends.size === 0) resolve();
    void consumer.run({
      eachBatch: ({ batch }) => {
        messages += batch.messages.length;
        const id = `${batch.topic}:${batch.partition}`;
        if (Number(batch.lastOffset()) + 1 >= (ends.get(id) ?? 0)) ends.delete(id);
        if (ends.size === 0) resolve();
        return Promise.resolve();
      },
    });
  });
  const readMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  await report({ type: 'read', readMs, cpuMs: (cpu.user + cpu.system) / 1000, messages });
  await consumer.disconnect();
}

runForked(main);
