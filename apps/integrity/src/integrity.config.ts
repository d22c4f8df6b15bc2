import { databaseServiceShape, positiveInt } from '@tessera/config';
import { z } from 'zod';

const perMinute = (fallback: number) =>
  positiveInt(fallback, 'a number of requests per minute').refine(
    (n) => n <= 10_000_000,
    'expected at most 10000000 a minute',
  );

export const integrityConfigSchema = z.object({
  ...databaseServiceShape(3002, 'integrity'),
  /** How long a challenge's nonce can be answered. */
  INTEGRITY_CHALLENGE_TTL_SECONDS: positiveInt(60, 'a number of seconds').refine(
    (s) => s >= 5 && s <= 600,
    'expected 5-600 seconds',
  ),
  /** How often expired challenges are deleted. */
  INTEGRITY_CHALLENGE_CLEANUP_SECONDS: positiveInt(60, 'a number of seconds'),
  /** How long an attestation waits for the token service's answer before it answers 503. */
  INTEGRITY_TOKEN_TIMEOUT_MS: positiveInt(2000, 'a number of milliseconds').refine(
    (ms) => ms >= 100 && ms <= 30_000,
    'expected 100-30000 ms',
  ),
  /**
   * Requests per minute from one client IP, on each of /v1/challenge and /v1/attest, per instance. An app attests
   * a few times an hour per device; carrier-grade NAT puts many devices behind one address, hence the headroom.
   */
  INTEGRITY_RATE_LIMIT_PER_IP: perMinute(600),
  /** Requests per minute for one app, on each endpoint, per instance: a ceiling against a flood in an app's name. */
  INTEGRITY_RATE_LIMIT_PER_APP: perMinute(600_000),
  /** This instance's name in its registry consumer group (each instance reads every event); default: host name and a random part. */
  INTEGRITY_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'expected 1-100 letters, digits, . _ -')
    .optional(),
});

export type IntegrityConfig = z.output<typeof integrityConfigSchema>;
