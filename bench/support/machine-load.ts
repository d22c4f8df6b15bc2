import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/**
 * How crowded the machine is, for the report: its cores, load average and (Linux) CPU pressure — the share of the
 * last minute in which some runnable task waited for a core, which says more than the load average on a shared box.
 */
export function machineLoad(): string {
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  let pressure = '';
  try {
    const some = /^some avg10=([\d.]+) avg60=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    if (some) pressure = `, CPU pressure ${some[2] ?? '?'} % over the last minute`;
  } catch {
    // No PSI on this kernel: the load average alone.
  }
  return `${availableParallelism()} cores, load average ${load}${pressure}`;
}
