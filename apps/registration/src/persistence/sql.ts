import type { Page } from './page';

// The RETURNING helpers every service's SQL shares; the registration service's areas import them from here.
export { allReturned, firstReturned, returned } from '@tessera/database';

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === '23505';
}

/** A page from `limit + 1` rows ordered by id: the extra row only says that there is a next page. */
export function pageOf<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
}

/** A row still referenced by another (a foreign key refused the delete). */
export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === '23503';
}
