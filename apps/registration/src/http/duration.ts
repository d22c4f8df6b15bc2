import { z } from 'zod';

/**
 * Durations as the admin API and the CLI write them (`--expire-after 600s`): a whole number and one unit, s, m, h or
 * d. Bounded to 1 second .. 10 years (3650 days), so a typo cannot make something expire at once or never.
 */
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const MIN_DURATION_MS = 1000;
export const MAX_DURATION_MS = 3650 * UNIT_MS.d;

const FORMAT = /^([1-9][0-9]{0,9})([smhd])$/;
const EXPECTED = 'expected a duration such as 600s, 30m, 12h or 7d';

/** Milliseconds of a duration, or a RangeError naming the problem. */
export function parseDuration(text: string): number {
  const match = FORMAT.exec(text);
  if (!match?.[1] || !match[2]) throw new RangeError(EXPECTED);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms < MIN_DURATION_MS || ms > MAX_DURATION_MS)
    throw new RangeError('expected a duration from 1s to 3650d (10 years)');
  return ms;
}

/** A request field holding a duration; parses to milliseconds. */
export const duration = z.string({ error: EXPECTED }).transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
