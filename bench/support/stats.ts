/** Nearest-rank percentile of an ascending list (as bench/outbox-latency.ts computes it). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarise(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

export const ms = (value: number): string => `${value.toFixed(2)} ms`;

/** The heading and a row of a latency table: `label, n, p50, p90, p99, max`. */
export const LATENCY_HEAD = ['ms', 'n', 'p50', 'p90', 'p99', 'max'];
export const latencyRow = (label: string, s: LatencySummary): string[] => [
  label,
  String(s.count),
  ms(s.p50),
  ms(s.p90),
  ms(s.p99),
  ms(s.max),
];
export const mib = (bytes: number | null): string => (bytes === null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);

/** Milliseconds since `start` (a process.hrtime.bigint()). */
export function elapsedMs(start: bigint, end = process.hrtime.bigint()): number {
  return Number(end - start) / 1e6;
}
