import pino, { type Logger } from 'pino';
import { currentRequestId } from './request-context';

/**
 * Paths never written to logs. Tokens and API keys travel in headers; configuration and bodies may hold
 * passwords and keys. pino replaces them before serialisation.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["tessera-token"]',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.privateKey',
  '*.DATABASE_URL',
  '*.KAFKA_SASL_PASSWORD',
];

export function createLogger(service: string, level: string): Logger {
  // Synchronous writes: a line logged just before a crash or a signal-driven exit is never lost in a buffer.
  return pino(
    {
      level,
      base: { service: `tessera-${service}`, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
