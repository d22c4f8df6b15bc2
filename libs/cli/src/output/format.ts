/** Cell text for tables: the same on every machine (UTC, no locale), short enough to read. */

/** `2026-11-22T04:08:59Z`: ISO-8601 in UTC to the second; `-` for none. */
export function formatTime(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return value;
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Any value as one cell: `-` for nothing, JSON for objects. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** Nested objects as `a.b.c` paths with their leaf values, in the object's order (for rules and summaries). */
export function flatten(value: unknown, prefix = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [[prefix, value]];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return prefix ? [[prefix, {}]] : [];
  return entries.flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key));
}
