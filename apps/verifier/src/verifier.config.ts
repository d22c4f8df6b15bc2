import { serviceShape } from '@tessera/config';
import { z } from 'zod';

/** The verifier keeps nothing durable, so it has no database settings. */
export const verifierConfigSchema = z.object({
  ...serviceShape(3005),
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
});

export type VerifierConfig = z.output<typeof verifierConfigSchema>;
