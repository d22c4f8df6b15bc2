import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the integration and end-to-end tests find the real broker and database: the environment, or the
 * settings `npm run infra:up` wrote to .cache/infra.env.
 */
export interface TestEnvironment {
  kafkaBrokers: string[];
  databaseUrl: string;
}

// Jest runs from the repository root (tests are ES modules here, without __dirname).
export const repoRoot = process.cwd();

function fromInfraEnv(): Record<string, string> {
  const file = path.join(repoRoot, '.cache', 'infra.env');
  if (!existsSync(file)) return {};
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)='(.*)'$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

export function testEnvironment(): TestEnvironment {
  const file = fromInfraEnv();
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
