import { randomBytes } from 'node:crypto';
import { readLocalInfraEnv } from './local-infra-env';

/**
 * Where the integration and end-to-end tests find the real broker and database: the environment, or the
 * settings `npm run infra:up` wrote to infra.env.
 */
export interface TestEnvironment {
  kafkaBrokers: string[];
  databaseUrl: string;
}

// Jest runs from the repository root (tests are ES modules here, without __dirname).
export const repoRoot = process.cwd();

export function testEnvironment(): TestEnvironment {
  const file = readLocalInfraEnv(repoRoot);
  const brokers = process.env.KAFKA_BROKERS ?? file.KAFKA_BROKERS;
  const databaseUrl = process.env.TEST_DATABASE_URL ?? file.TEST_DATABASE_URL;
  if (!brokers || !databaseUrl) {
    throw new Error(
      'no Kafka broker or test database configured: run `npm run infra:up` (or set KAFKA_BROKERS and TEST_DATABASE_URL)',
    );
  }
  return { kafkaBrokers: brokers.split(','), databaseUrl };
}

/** A short random suffix, so each test gets its own topics, consumer groups and schema. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}
