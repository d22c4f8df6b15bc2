import { MAX_SECURE_STRING_BYTES, SecureStringNameSchema } from '@tessera/contracts';
import { z } from 'zod';
import { limit } from '../http/common-schemas';

export const SecureStringNameParam = SecureStringNameSchema;

export const PutSecureStringBody = z.strictObject({
  // Messages never quote the value: it is the secret.
  value: z
    .string({ error: 'expected a string' })
    .min(1, 'must not be empty')
    .refine((v) => Buffer.byteLength(v, 'utf8') <= MAX_SECURE_STRING_BYTES, {
      error: `at most ${MAX_SECURE_STRING_BYTES} bytes (UTF-8)`,
    }),
});

export const ListSecureStringsQuery = z.strictObject({
  limit,
  // Pages are ordered by name; the cursor is the last name of the previous page.
  cursor: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'expected a cursor from nextCursor')
    .optional(),
});
