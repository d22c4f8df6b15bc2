import type { Page } from './page';

/** Every row an INSERT/UPDATE/DELETE ... RETURNING gave back (TypeORM answers UPDATE and DELETE with [rows, count]). */
export function allReturned<T>(result: T[] | [T[], number]): T[] {
  return Array.isArray(result[0]) ? result[0] : (result as T[]);
}

/** The first row an INSERT/UPDATE/DELETE ... RETURNING gave back, if any. */
export function firstReturned<T>(result: T[] | [T[], number]): T | undefined {
  return allReturned(result)[0];
}

/** The first row an INSERT/UPDATE ... RETURNING gave back, which must exist. */
export function returned<T>(result: T[] | [T[], number]): T {
  const row = firstReturned(result);
  if (row === undefined) throw new Error('the statement returned no row');
  return row;
}

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
