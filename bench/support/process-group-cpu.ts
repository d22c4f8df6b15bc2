import { readdir, readFile } from 'node:fs/promises';

/** USER_HZ: what Linux counts /proc CPU times in. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds used so far by every process whose command name (`/proc/<pid>/stat`'s second field) is one of `names`,
 * summed by name, e.g. every `postgres` backend and the broker's `java`: what a benchmark's own process list does not
 * show. Empty where there is no /proc. A process that exits between two readings takes its time with it.
 */
export async function cpuSecondsByCommand(names: readonly string[]): Promise<Map<string, number>> {
  const totals = new Map<string, number>(names.map((name) => [name, 0]));
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  } catch {
    return new Map();
  }
  await Promise.all(
    pids.map(async (pid) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      if (open < 0 || close < 0) return;
      const command = stat.slice(open + 1, close);
      if (!totals.has(command)) return;
      const fields = stat.slice(close + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
      totals.set(command, (totals.get(command) ?? 0) + seconds);
    }),
  );
  return totals;
}
