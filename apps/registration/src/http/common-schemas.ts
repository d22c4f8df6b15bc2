import { z } from 'zod';

/** Request pieces every admin endpoint shares, so the same field is checked (and explained) the same way. */

export const name = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'control characters are not allowed');

export const limit = z.coerce
  .number({ error: 'expected an integer between 1 and 100' })
  .int('expected an integer between 1 and 100')
  .min(1, 'expected an integer between 1 and 100')
  .max(100, 'expected an integer between 1 and 100')
  .default(50);

export const time = z.iso
  .datetime({ offset: true, error: 'expected an ISO-8601 time with offset, e.g. 2027-01-01T00:00:00Z' })
  .transform((v) => new Date(v));

export const futureTime = time.refine((d) => d.getTime() > Date.now(), { error: 'must be in the future' });

export const uuid = (what: string) => z.uuid({ error: `expected ${what} (UUID)` });

export const KeyIdParam = z.string().regex(/^[0-9a-f]{16}$/, 'expected a key id (16 hex characters)');

/** The cursor of a list paged by UUID id: the `nextCursor` of the previous page. */
export const idCursor = z.uuid({ error: 'expected a cursor from nextCursor' });

export const EXPIRY_STATUSES = ['active', 'expired', 'all'] as const;

/** Which rows of a list of expiring ones: those in force (the default), the expired ones, or all. */
export const expiryStatus = z
  .enum(EXPIRY_STATUSES, { error: `expected one of ${EXPIRY_STATUSES.join(', ')}` })
  .default('active');
