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
