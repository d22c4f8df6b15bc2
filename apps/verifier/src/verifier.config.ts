import { optionalKekShape, positiveInt, refineKekConfig, serviceShape } from '@tessera/config';
import { STALE_VIEW_MODES } from '@tessera/verifier';
import { z } from 'zod';

/** The verifier keeps nothing durable, so it has no database settings. */
export const verifierConfigSchema = z
  .object({
    ...serviceShape(3005),
    /** Opens HS256 secrets from the key events; without it, HS256 tokens are refused as unknown-key. */
    ...optionalKekShape(),
    /** How old the view of keys and revocations may get (the broker unreachable, or the view lagging). */
    VERIFIER_MAX_STALENESS_SECONDS: positiveInt(300, 'a number of seconds'),
    /** Past that age: keep deciding from the old view, or refuse every token (and report not ready). */
    VERIFIER_WHEN_STALE: z.enum(STALE_VIEW_MODES).default('keep-serving'),
    /** How often the topics' ends are read to tell how current the view is. */
    VERIFIER_FRESHNESS_PROBE_MS: positiveInt(1000, 'a number of milliseconds').refine(
      (ms) => ms >= 100 && ms <= 60_000,
      'expected 100-60000 ms',
    ),
    /**
     * The audiences the protected API accepts, comma-separated; unset, each token must carry its own tenant's default
     * audience (`tessera:<tenant>`).
     */
    VERIFIER_AUDIENCE: z
      .string()
      .optional()
      .transform((raw) =>
        raw
          ?.split(',')
          .map((audience) => audience.trim())
          .filter((audience) => audience.length > 0),
      ),
    /** This node's name in its consumer group (each node reads every event); by default the host name and a random part. */
    VERIFIER_NODE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'expected 1-100 letters, digits, . _ -')
      .optional(),
    /**
     * The token service, for a kid no key event has brought yet: its tenant's JWKS is fetched from here
     * (rate-limited); unset, such tokens are refused as unknown-key.
     */
    VERIFIER_JWKS_URL: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. http://tessera-token:3003' })
      .optional(),
    /** The token service's TOKEN_ISSUER: a token's iss tells its tenant only when it is `<this>/tenants/<tenant>`. */
    VERIFIER_ISSUER: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. https://tessera.example.com' })
      .optional(),
    /** Fewest seconds between two JWKS fetches for one tenant. */
    VERIFIER_JWKS_MIN_INTERVAL_SECONDS: positiveInt(10, 'a number of seconds'),
    /** The request header the token travels in. */
    VERIFIER_TOKEN_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'expected an HTTP header name')
      .default('Tessera-Token'),
    /** The request header a bound token (`pay`) is bound to. */
    VERIFIER_BOUND_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'expected an HTTP header name')
      .default('Authorization'),
  })
  .superRefine(refineKekConfig)
  .superRefine((value, ctx) => {
    if (value.VERIFIER_JWKS_URL !== undefined && value.VERIFIER_ISSUER === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['VERIFIER_ISSUER'],
        message: "is required with VERIFIER_JWKS_URL: the token service's TOKEN_ISSUER",
      });
    }
  });

export type VerifierConfig = z.output<typeof verifierConfigSchema>;
