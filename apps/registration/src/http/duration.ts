/** Durations as `expireAfter` takes them: a whole number and one unit, `600s`, `30m`, `12h`, `7d`. */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const MIN_DURATION_MS = UNIT_MS.s;
/** Ten years (3650 days): anything longer is a typo or means "never", which is no expireAfter at all. */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d;

export const DURATION_FORMAT = 'a duration such as 600s, 30m, 12h or 7d';

/** Milliseconds, or a sentence saying what is wrong with the text. */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; problem: string } {
  const match = /^(\d{1,12})([smhd])$/.exec(text);
  if (!match) return { ok: false, problem: `expected ${DURATION_FORMAT}` };
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms < MIN_DURATION_MS) return { ok: false, problem: 'must be at least 1s' };
  if (ms > MAX_DURATION_MS) return { ok: false, problem: 'must be at most 3650d (10 years)' };
  return { ok: true, ms };
}
