import { z } from 'zod';
import { refineKekConfig } from './kek-config';
import { boolean, brokerList, identifier, logLevel, port, positiveInt, postgresUrl } from './fields';

/** Variables whose values are never echoed back in errors or logs. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'KAFKA_SASL_PASSWORD',
  'TESSERA_BOOTSTRAP_ADMIN_KEY',
  'TESSERA_KEK',
  'TESSERA_KEK_PREVIOUS',
]);

export const httpConfig = (defaultPort: number) => ({
  NODE_ENV: z
    .enum(['development', 'test', 'production'], { error: 'expected development, test or production' })
    .default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port(defaultPort),
  LOG_LEVEL: logLevel,
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000, 'a timeout in milliseconds'),
  /**
   * Express' `trust proxy`: how many proxies in front of the service may set X-Forwarded-For (0: none, the client IP
   * is the socket's). Set it to the number of load balancers, or rate limits and audit trails see their address.
   */
  TRUSTED_PROXIES: z.coerce
    .number({ error: 'expected a number of proxies, 0 to 10' })
    .int('expected a number of proxies, 0 to 10')
    .min(0, 'expected a number of proxies, 0 to 10')
    .max(10, 'expected a number of proxies, 0 to 10')
    .default(0),
});

export const kafkaConfig = {
  KAFKA_BROKERS: brokerList('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected letters, digits, . _ -')
    .optional(),
  /** Namespaces every topic, so several Tessera environments can share one cluster. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{0,64}$/, 'expected at most 64 letters, digits, . _ -')
    .default(''),
  /** -1: the broker's default.replication.factor. */
  KAFKA_REPLICATION_FACTOR: z.coerce
    .number({ error: 'expected -1 (broker default) or a positive integer' })
    .int('expected -1 (broker default) or a positive integer')
    .refine((n) => n === -1 || n > 0, { error: 'expected -1 (broker default) or a positive integer' })
    .default(-1),
  KAFKA_SSL: boolean(false),
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'], { error: 'expected plain, scram-sha-256 or scram-sha-512' })
    .optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
};

export const databaseConfig = (defaultSchema: string) => ({
  DATABASE_URL: postgresUrl('postgres://postgres@127.0.0.1:5432/tessera'),
  // 40, so that names derived from it (the outbox's NOTIFY channel) stay within Postgres' 63-byte identifiers.
  DATABASE_SCHEMA: identifier(defaultSchema, 'a Postgres schema name', 40),
  DATABASE_POOL_MAX: positiveInt(10, 'a pool size (positive integer)'),
});

export const outboxConfig = {
  OUTBOX_POLL_INTERVAL_MS: positiveInt(1000, 'an interval in milliseconds'),
  OUTBOX_BATCH_SIZE: positiveInt(200, 'a batch size (positive integer)'),
  OUTBOX_RETENTION_HOURS: positiveInt(24, 'a number of hours'),
  PROCESSED_EVENT_RETENTION_DAYS: positiveInt(7, 'a number of days'),
};

/**
 * Cross-field rules every service shares: explicit infrastructure in production, complete SASL settings, distinct
 * KEK ids.
 */
export function refineServiceConfig(value: Record<string, unknown>, ctx: z.RefinementCtx, raw: NodeJS.ProcessEnv) {
  if (value.NODE_ENV === 'production') {
    for (const variable of ['KAFKA_BROKERS', 'DATABASE_URL']) {
      if (variable in value && !raw[variable]) {
        ctx.addIssue({ code: 'custom', path: [variable], message: 'is required when NODE_ENV=production' });
      }
    }
  }
  if (value.KAFKA_SASL_MECHANISM !== undefined && (!value.KAFKA_SASL_USERNAME || !value.KAFKA_SASL_PASSWORD)) {
    ctx.addIssue({
      code: 'custom',
      path: ['KAFKA_SASL_USERNAME'],
      message: 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM',
    });
  }
  refineKekConfig(value, ctx);
}

/** The shape of what every service reads; a service's own schema spreads these and adds its variables. */
export const serviceShape = (defaultPort: number) => ({ ...httpConfig(defaultPort), ...kafkaConfig });
export const databaseServiceShape = (defaultPort: number, schema: string) => ({
  ...serviceShape(defaultPort),
  ...databaseConfig(schema),
  ...outboxConfig,
});

export type ServiceConfig = z.output<z.ZodObject<ReturnType<typeof serviceShape>>>;
export type DatabaseServiceConfig = z.output<z.ZodObject<ReturnType<typeof databaseServiceShape>>>;
