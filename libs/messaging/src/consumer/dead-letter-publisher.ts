import { DeadLetterHeaders, Topics, topicName } from '@tessera/contracts';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { ProducerConnection } from '../kafka/producer-connection';

export interface DeadLetter {
  sourceTopic: string;
  partition: number;
  message: KafkaMessage;
  consumerGroup: string;
  reason: string;
}

/** Sends a message a consumer cannot accept to the dead-letter topic: original key, value and headers, plus why. */
export class DeadLetterPublisher {
  readonly topic: string;

  constructor(
    private readonly producer: ProducerConnection,
    topicPrefix: string,
  ) {
    this.topic = topicName(Topics.deadLetter, topicPrefix);
  }

  async publish(letter: DeadLetter): Promise<void> {
    const headers: IHeaders = {
      ...letter.message.headers,
      [DeadLetterHeaders.reason]: letter.reason.slice(0, 1000),
      [DeadLetterHeaders.sourceTopic]: letter.sourceTopic,
      [DeadLetterHeaders.sourcePartition]: String(letter.partition),
      [DeadLetterHeaders.sourceOffset]: letter.message.offset,
      [DeadLetterHeaders.consumerGroup]: letter.consumerGroup,
      [DeadLetterHeaders.failedAt]: new Date().toISOString(),
    };
    const producer = await this.producer.ensureConnected();
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: [{ key: letter.message.key, value: letter.message.value, headers }],
    });
  }
}
