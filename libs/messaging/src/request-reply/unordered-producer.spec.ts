import type { Kafka, ProducerBatch } from 'kafkajs';
import { UnorderedProducer } from './unordered-producer';

/** A stand-in for kafkajs: records each produce request, and fails it when told to. */
function recordingKafka() {
  const batches: ProducerBatch[] = [];
  let failNext: Error | undefined;
  const producer = {
    events: { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' },
    on: () => () => undefined,
    sendBatch: (batch: ProducerBatch) => {
      batches.push(batch);
      const error = failNext;
      failNext = undefined;
      return error ? Promise.reject(error) : Promise.resolve([]);
    },
  };
  const kafka = { producer: () => producer } as unknown as Kafka;
  return {
    kafka,
    batches,
    failNextWith: (error: Error) => {
      failNext = error;
    },
  };
}

describe('UnorderedProducer', () => {
  it('sends what was sent in one turn of the event loop as one produce request, grouped by topic', async () => {
    const { kafka, batches } = recordingKafka();
    const producer = new UnorderedProducer(kafka);
    await Promise.all([
      producer.send('replies', { key: 'a', value: '1' }),
      producer.send('requests', { key: 'b', value: '2' }),
      producer.send('replies', { key: 'c', value: '3' }),
    ]);
    expect(batches).toEqual([
      {
        acks: -1,
        topicMessages: [
          {
            topic: 'replies',
            messages: [
              { key: 'a', value: '1' },
              { key: 'c', value: '3' },
            ],
          },
          { topic: 'requests', messages: [{ key: 'b', value: '2' }] },
        ],
      },
    ]);
    await producer.send('replies', { key: 'd', value: '4' });
    expect(batches).toHaveLength(2);
  });

  it('fails every message of a produce request that failed, and only those', async () => {
    const { kafka, failNextWith } = recordingKafka();
    const producer = new UnorderedProducer(kafka);
    failNextWith(new Error('broker away'));
    const failed = [producer.send('t', { value: '1' }), producer.send('t', { value: '2' })];
    await expect(failed[0]).rejects.toThrow('broker away');
    await expect(failed[1]).rejects.toThrow('broker away');
    await expect(producer.send('t', { value: '3' })).resolves.toBeUndefined();
  });
});
