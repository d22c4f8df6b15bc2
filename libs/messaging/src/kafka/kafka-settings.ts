import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { MessagingLogger } from '../logger';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  /** -1 for the broker's default. */
  replicationFactor: number;
  ssl: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/** A kafkajs client whose logs go to the service logger (kafkajs would otherwise print to stdout as text). */
export function createKafka(settings: KafkaSettings, logger: MessagingLogger): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    sasl: settings.sasl as SASLOptions | undefined,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, retries: 5, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...details } = log;
        const entry = { kafkajs: namespace, ...details };
        if (level === logLevel.ERROR) logger.error(entry, message);
        else if (level === logLevel.WARN) logger.warn(entry, message);
        else if (level === logLevel.INFO) logger.info(entry, message);
        else logger.debug(entry, message);
      },
  });
}
