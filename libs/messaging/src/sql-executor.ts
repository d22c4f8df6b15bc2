/**
 * Anything that runs SQL inside the caller's transaction: a TypeORM EntityManager or QueryRunner, or a pg client.
 * The outbox writes through it so the state change and its event commit (or roll back) together.
 */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Quotes a schema or table name that was validated as an identifier. */
export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe SQL identifier: ${name}`);
  return `"${name}"`;
}
