import { serviceShape } from '@tessera/config';
import { z } from 'zod';

/** The verifier keeps nothing durable, so it has no database settings. */
export const verifierConfigSchema = z.object({
  ...serviceShape(3005),
});

export type VerifierConfig = z.output<typeof verifierConfigSchema>;
