import { z } from 'zod';
import { futureTime } from './common-schemas';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The shortest duration accepted: anything shorter would expire before its event reached anyone. */
export const MIN_DURATION_MS = UNIT_MS.s;
/** The longest: ten years of 365 days. Longer is "forever", which is leaving the expiry out. */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d;

const EXAMPLES = 'such as 600s, 30m, 12h or 7d';

/** A duration that cannot be read, or is out of bounds; the message says which and what is expected. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
}

/**
 * Milliseconds in a duration written as a whole number and one unit: `s`, `m`, `h` or `d` (`600s` → 600 000).
 * Between 1 s and 10 years; anything else throws a DurationError with a reason.
 */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text);
  if (!match) throw new DurationError(`expected a whole number and a unit (s, m, h, d), ${EXAMPLES}`);
  const [, amount = '', unit = 's'] = match;
  const ms = Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  if (ms < MIN_DURATION_MS) throw new DurationError('must be at least 1s');
  if (ms > MAX_DURATION_MS) throw new DurationError('must be at most 10 years (3650d)');
  return ms;
}

/** A duration field: the text in, milliseconds out, a 400 naming the problem otherwise. */
export const duration = z.string({ error: `expected a duration ${EXAMPLES}` }).transform((text, context) => {
  try {
    return parseDuration(text);
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    context.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

/** A time in the future, at most as far off as the longest duration. */
const expiryTime = futureTime.refine((at) => at.getTime() <= Date.now() + MAX_DURATION_MS, {
  error: 'must be at most 10 years ahead',
});

/**
 * The two ways to say when something ends, to spread into a request's `z.strictObject`: `expireAfter` (a
 * duration from now) or `expiresAt` (a time). Finish the object with `withExpiry` to refuse both at once and get
 * one `expiresAt`.
 */
export const expiryFields = { expireAfter: duration.optional(), expiresAt: expiryTime.optional() };

/** The expiry fields of a request after parsing: a duration in milliseconds or a time, or neither. */
export interface ExpiryInput {
  expireAfter?: number | undefined;
  expiresAt?: Date | undefined;
}
type WithExpiryFields = ExpiryInput;

/**
 * For a schema that keeps `expireAfter` as milliseconds (to count it from the database's time of the change):
 * `.refine(atMostOneExpiry, bothExpiries)`.
 */
export const atMostOneExpiry = (input: WithExpiryFields): boolean =>
  input.expireAfter === undefined || input.expiresAt === undefined;
export const bothExpiries = { path: ['expiresAt'], error: 'give expireAfter or expiresAt, not both' };
/** A request with its expiry resolved: `expiresAt` is when it ends, null for never. */
export type Expiring<T> = Omit<T, 'expireAfter' | 'expiresAt'> & { expiresAt: Date | null };

/**
 * `schema` (a strict object with `expiryFields`), refusing `expireAfter` and `expiresAt` together, and answering
 * one `expiresAt`: the time given, now + the duration given, or null when neither is.
 */
export function withExpiry<Output extends WithExpiryFields, Input>(schema: z.ZodType<Output, Input>) {
  return schema
    .refine(atMostOneExpiry, bothExpiries)
    .transform(({ expireAfter, expiresAt, ...rest }): Expiring<Output> => {
      const end = expiresAt ?? (expireAfter === undefined ? null : new Date(Date.now() + expireAfter));
      return { ...rest, expiresAt: end };
    });
}
