import { boolean, databaseServiceShape, kekShape, positiveInt } from '@tessera/config';
import { SigningAlgorithmSchema, TOKEN_LIFETIME_SECONDS } from '@tessera/contracts';
import { z } from 'zod';

const DAY = 86_400;

export const tokenConfigSchema = z
  .object({
    ...databaseServiceShape(3003, 'token'),
    /** Seals signing keys at rest (required); previous KEKs still open what they sealed. */
    ...kekShape(),
    /** The base of every tenant's issuer (`iss` = `<this>/tenants/<tenant>`): the URL API servers reach us at. */
    TOKEN_ISSUER: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. https://tessera.example.com' })
      .default('http://localhost:3003')
      .transform((url) => url.replace(/\/+$/, '')),
    /** What a new tenant signs with: ES256 (default), EdDSA, or HS256 (compatibility mode: a shared secret). */
    TOKEN_DEFAULT_ALGORITHM: SigningAlgorithmSchema.default('ES256'),
    /** How long a key signs before the next one takes over (default a day). */
    TOKEN_ROTATION_PERIOD_SECONDS: positiveInt(DAY, 'a number of seconds'),
    /** The longest token lifetime granted (a policy asking for more gets this); keys stay published this long after. */
    TOKEN_MAX_LIFETIME_SECONDS: positiveInt(TOKEN_LIFETIME_SECONDS.max, 'a number of seconds').refine(
      (n) => n >= TOKEN_LIFETIME_SECONDS.min && n <= TOKEN_LIFETIME_SECONDS.max,
      {
        error: `expected ${TOKEN_LIFETIME_SECONDS.min} to ${TOKEN_LIFETIME_SECONDS.max} seconds`,
      },
    ),
    /** How long a key is published before it may sign (JWKS caches must have it first). */
    TOKEN_PUBLISH_LEAD_SECONDS: positiveInt(3600, 'a number of seconds'),
    /** Clock difference tolerated between machines, added to every retirement. */
    TOKEN_CLOCK_SKEW_SECONDS: positiveInt(60, 'a number of seconds'),
    /** Cache-Control max-age of the JWKS: at most the publish lead, so a cached JWKS always holds the next key. */
    TOKEN_JWKS_MAX_AGE_SECONDS: positiveInt(300, 'a number of seconds'),
    /** How often the key schedule is applied (rotations, retirements, next keys). */
    TOKEN_KEY_CHECK_INTERVAL_MS: positiveInt(10_000, 'an interval in milliseconds'),
    /** How long a failure-token key signs before this instance makes a new one (kept in memory only). */
    TOKEN_FAILURE_KEY_ROTATION_SECONDS: positiveInt(3600, 'a number of seconds'),
    /**
     * How long a failure key is published (its failure-key.upserted on Kafka) before it signs, so verifiers can tell
     * its tokens from forgeries from the first one.
     */
    TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS: positiveInt(10, 'a number of seconds'),
    /** Token requests answered at once by this instance. */
    TOKEN_REQUEST_CONCURRENCY: positiveInt(64, 'a positive integer'),
    /** Whether each token issued is published as token.issued on the tokens topic (audit and metrics). */
    TOKEN_ISSUED_EVENTS: boolean(true),
  })
  .refine((c) => c.TOKEN_JWKS_MAX_AGE_SECONDS <= c.TOKEN_PUBLISH_LEAD_SECONDS, {
    path: ['TOKEN_JWKS_MAX_AGE_SECONDS'],
    error: 'must not exceed TOKEN_PUBLISH_LEAD_SECONDS: a cached JWKS would miss a key that already signs',
  })
  .refine((c) => c.TOKEN_PUBLISH_LEAD_SECONDS <= c.TOKEN_ROTATION_PERIOD_SECONDS, {
    path: ['TOKEN_PUBLISH_LEAD_SECONDS'],
    error: 'must not exceed TOKEN_ROTATION_PERIOD_SECONDS: the next key would never be published long enough',
  })
  .refine((c) => c.TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS < c.TOKEN_FAILURE_KEY_ROTATION_SECONDS, {
    path: ['TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS'],
    error:
      'must be less than TOKEN_FAILURE_KEY_ROTATION_SECONDS: the next failure key is made that long before it signs',
  });

export type TokenConfig = z.output<typeof tokenConfigSchema>;
