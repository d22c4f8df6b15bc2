import { z } from 'zod';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { databaseServiceShape, serviceShape } from './service-config';

const schema = z.object(databaseServiceShape(3001, 'registration'));

function problemsOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig('tessera-test', schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('fills defaults for a development machine', () => {
    const config = loadConfig('tessera-test', schema, {});
    expect(config.PORT).toBe(3001);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.DATABASE_SCHEMA).toBe('registration');
    expect(config.KAFKA_SSL).toBe(false);
    expect(config.KAFKA_REPLICATION_FACTOR).toBe(-1);
  });

  it('parses and coerces given values', () => {
    const config = loadConfig('tessera-test', schema, {
      PORT: '8080',
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      KAFKA_SSL: 'true',
      OUTBOX_BATCH_SIZE: '50',
    });
    expect(config.PORT).toBe(8080);
    expect(config.KAFKA_BROKERS).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(config.KAFKA_SSL).toBe(true);
    expect(config.OUTBOX_BATCH_SIZE).toBe(50);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig('tessera-test', schema, { PORT: '' }).PORT).toBe(3001);
  });

  it('names the variable, what was expected and what it got', () => {
    const error = problemsOf({ PORT: 'eighty' });
    expect(error.problems).toEqual([
      { variable: 'PORT', expected: 'expected an integer port between 1 and 65535', received: '"eighty"' },
    ]);
    expect(error.message).toContain('invalid configuration for tessera-test');
    expect(error.message).toContain('PORT: expected an integer port between 1 and 65535 (got "eighty")');
  });

  it('reports every problem at once', () => {
    const error = problemsOf({ PORT: '70000', KAFKA_BROKERS: 'not a broker', LOG_LEVEL: 'loud' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['KAFKA_BROKERS', 'LOG_LEVEL', 'PORT']);
    expect(error.problems.find((p) => p.variable === 'KAFKA_BROKERS')?.expected).toMatch(/host:port/);
  });

  it('never echoes a secret value', () => {
    const error = problemsOf({ DATABASE_URL: 'mysql://admin:hunter2@db/tessera' });
    expect(error.problems[0]).toMatchObject({ variable: 'DATABASE_URL', received: '<redacted>' });
    expect(error.message).not.toContain('hunter2');
  });

  it('rejects a schema name that is not a plain identifier', () => {
    expect(problemsOf({ DATABASE_SCHEMA: 'x"; drop schema public; --' }).problems[0]?.variable).toBe('DATABASE_SCHEMA');
  });

  it('requires explicit infrastructure in production', () => {
    const error = problemsOf({ NODE_ENV: 'production' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'KAFKA_BROKERS']);
    expect(error.problems[0]?.expected).toBe('is required when NODE_ENV=production');
  });

  it('requires complete SASL credentials', () => {
    const error = problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'tessera' });
    expect(error.problems[0]?.expected).toMatch(/KAFKA_SASL_PASSWORD are required/);
  });

  it('ignores unrelated environment variables', () => {
    const config = loadConfig('tessera-test', z.object(serviceShape(3005)), {
      HOME: '/root',
      DATABASE_URL: 'nonsense',
    });
    expect(config).not.toHaveProperty('DATABASE_URL');
  });
});

describe('DATABASE_SCHEMA', () => {
  it('is at most 40 characters, so names derived from it fit in Postgres identifiers', () => {
    expect(loadConfig('tessera-test', schema, { DATABASE_SCHEMA: 'a'.repeat(40) }).DATABASE_SCHEMA).toHaveLength(40);
    expect(() => loadConfig('tessera-test', schema, { DATABASE_SCHEMA: 'a'.repeat(41) })).toThrow(/at most 40/);
  });
});
