/**
 * A list's `status` filter as an SQL condition: `active` rows have no expiry or have not reached it, `expired`
 * ones have (whether the sweeper has published their end or not), `all` is every row. `status` is the query
 * parameter that holds the filter (`$6`), `expiresAt` the column.
 */
export function expiryStatusCondition(status: string, expiresAt = 'expires_at'): string {
  return `CASE ${status}::text
           WHEN 'active' THEN (${expiresAt} IS NULL OR ${expiresAt} > now())
           WHEN 'expired' THEN (${expiresAt} <= now())
           ELSE true
         END`;
}
