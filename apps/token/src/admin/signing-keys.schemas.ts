import { KeyIdSchema, SigningAlgorithmSchema } from '@tessera/contracts';
import { z } from 'zod';

export const KidParam = KeyIdSchema;

export const RotateBody = z.strictObject({
  /** Activate the next key even though it has been published for less than the publish lead. */
  force: z.boolean().default(false),
});

export const RevokeBody = z.strictObject({
  reason: z.string().trim().min(1, 'say why the key is revoked').max(500),
});

/** A rotation period from an hour to a year. */
const HOUR = 3600;
export const UpdateSettingsBody = z
  .strictObject({
    algorithm: SigningAlgorithmSchema.optional(),
    rotationPeriodSeconds: z
      .number()
      .int()
      .min(HOUR, 'at least an hour (3600)')
      .max(365 * 24 * HOUR, 'at most a year')
      .optional(),
    audience: z.string().trim().min(1).max(256).optional(),
  })
  .refine(
    (change) => Object.keys(change).length > 0,
    'give at least one of algorithm, rotationPeriodSeconds, audience',
  );

export const InspectBody = z.strictObject({
  token: z.string().min(1, 'give the token').max(8192, 'a token is at most 8192 characters'),
  /** The audience to check; by default the tenant's. */
  audience: z.string().min(1).max(256).optional(),
});
