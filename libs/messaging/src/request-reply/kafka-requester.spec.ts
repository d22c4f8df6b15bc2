import type { Kafka } from 'kafkajs';
import { silentLogger } from '../logger';
import { KafkaRequester } from './kafka-requester';

describe('KafkaRequester', () => {
  // Checked before any Kafka client is made: no broker is needed to be told.
  const kafka = {} as Kafka;

  it.each([
    ['empty', ''],
    ['over 200 characters', 'x'.repeat(201)],
  ])('refuses an instance id that is %s: responders could not reply to it', (_what, instanceId) => {
    expect(
      () => new KafkaRequester({ kafka, topicPrefix: '', requests: [], instanceId, logger: silentLogger }),
    ).toThrow(/instanceId must be 1 to 200 characters long/);
  });
});
