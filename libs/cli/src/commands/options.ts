import { type Command, InvalidArgumentError, Option } from 'commander';
import { collectPages, MAX_PAGE_SIZE } from '../api/paging';
import type { Expiry } from '../api/requests';
import type { Page, PageQuery } from '../api/views';
import { UsageError } from '../errors';

/** Option parsers and option sets several commands share. */

export function integerBetween(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    const parsed = Number(value);
    if (parsed < min || parsed > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return parsed;
  };
}

export function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive number');
  return parsed;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * Seconds in a duration: a whole number and a unit (`600s`, `30m`, `12h`, `7d`) or a bare number of seconds. Its
 * bounds are the API's to check (and say).
 */
export function durationSeconds(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[(match[2] || 's') as keyof typeof UNIT_SECONDS] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new InvalidArgumentError('expected a duration such as 12h, 1d or 7d, or a number of seconds');
  }
  return seconds;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 date and time with its offset (`2027-01-05T09:00:00Z`), as the APIs take it. */
export function isoTime(value: string): string {
  const time = value.trim();
  if (!ISO_TIME.test(time) || Number.isNaN(new Date(time).getTime())) {
    throw new InvalidArgumentError('expected an ISO-8601 date and time with its offset, e.g. 2027-01-05T09:00:00Z');
  }
  return time;
}

/** Seconds as the largest unit that divides them (`86400` → `1d`, `5400` → `90m`, `3601` → `3601s`). */
export function describeSeconds(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** For repeatable options (`--cert a --cert b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export interface PagingOptions {
  limit?: number;
  cursor?: string;
  all?: boolean;
}

/** `--limit`, `--cursor`, `--all` on a list command. */
export function withPaging(command: Command): Command {
  return command
    .option('--limit <n>', 'items per page (1-100; the API default is 50)', integerBetween(1, MAX_PAGE_SIZE))
    .addOption(new Option('--cursor <cursor>', 'the page after this cursor (from a previous page)').conflicts('all'))
    .option('--all', 'follow nextCursor and list every page');
}

/** One page (as asked), or with `--all` every page as one (`{"items": [...], "nextCursor": null}`). */
export function listPages<T>(
  paging: PagingOptions,
  fetchPage: (query: PageQuery) => Promise<Page<T>>,
): Promise<Page<T>> {
  if (paging.all) return collectPages((cursor) => fetchPage({ limit: paging.limit ?? MAX_PAGE_SIZE, cursor }));
  return fetchPage({ limit: paging.limit, cursor: paging.cursor });
}

export interface ExpiryOptions {
  expireAfter?: string;
  expiresAt?: string;
}

/** `--expire-after` (a duration: 600s, 30m, 12h, 7d) or `--expires-at` (an ISO-8601 time), not both. */
export function withExpiry(command: Command, what: string): Command {
  return command
    .addOption(
      new Option('--expire-after <duration>', `${what} expires after this long (600s, 30m, 12h, 7d)`).conflicts(
        'expiresAt',
      ),
    )
    .option('--expires-at <time>', `${what} expires at this ISO-8601 time (2027-01-01T00:00:00Z)`);
}

export function expiryOf(options: ExpiryOptions): Expiry {
  return definedOnly({ expireAfter: options.expireAfter, expiresAt: options.expiresAt });
}

/** Drops undefined fields, so request bodies hold only what was given (the API refuses unknown or null fields). */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Exactly one of several ways to say something was used. */
export function requireOne(given: Record<string, unknown>, what: string): void {
  const used = Object.entries(given).filter(([, v]) => v !== undefined && v !== false);
  if (used.length === 1) return;
  const names = Object.keys(given).join(', ');
  if (used.length === 0) throw new UsageError(`${what}: give one of ${names}`);
  throw new UsageError(`${what}: give only one of ${used.map(([name]) => name).join(', ')}`);
}
