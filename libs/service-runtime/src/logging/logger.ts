import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from './request-context';

/** Field names whose values never reach a log line, wherever they sit in what is logged. */
const SECRET_FIELDS = [
  'password',
  'secret',
  'token',
  'apiKey',
  'privateKey',
  'authorization',
  'cookie',
  'DATABASE_URL',
  'KAFKA_SASL_PASSWORD',
  'TESSERA_BOOTSTRAP_ADMIN_KEY',
  'TESSERA_KEK',
  'TESSERA_KEK_PREVIOUS',
  '"tessera-token"',
  '"x-api-key"',
  '"proxy-authorization"',
  '"set-cookie"',
];

/**
 * pino redaction paths: each secret field at the top level and one level down, plus request and response
 * headers. Deeper wildcards (`*.*.x`) make pino's redaction clone whatever sits on the way, and cloning a Buffer or
 * a URL throws inside the log call: secrets deeper down are kept out of log calls instead.
 */
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => {
  const key = field.startsWith('"') ? `[${field}]` : `.${field}`;
  return [key.startsWith('.') ? field : key, `*${key}`, `req.headers${key}`, `res.headers${key}`];
});

interface LoggedError {
  type: string;
  message: string;
  code?: unknown;
  stack?: string;
}

/**
 * Errors are logged by name, message, code and stack only: their other fields (a failed query's parameters,
 * a client's configuration) may hold secrets.
 */
function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const logged: LoggedError = {
    type: error.name,
    message: error.message,
    ...(code === undefined ? {} : { code }),
    stack: error.stack,
  };
  return logged;
}

export function createLogger(
  service: string,
  level: string,
  // Synchronous writes: a line logged just before a crash or a signal-driven exit is never lost in a buffer.
  destination: DestinationStream = pino.destination({ dest: 1, sync: true }),
): Logger {
  return pino(
    {
      level,
      base: { service: `tessera-${service}`, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination,
  );
}
