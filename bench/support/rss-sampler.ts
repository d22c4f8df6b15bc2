/**
 * Reads a process's resident set size every `intervalMs` while `work` runs, to show how much memory the work made
 * the process hold at its peak.
 */
export async function sampleResidentMemory<T>(
  read: () => Promise<number | null>,
  intervalMs: number,
  work: () => Promise<T>,
): Promise<{ result: T; peakBytes: number | null; samples: number }> {
  let peakBytes: number | null = null;
  let samples = 0;
  let reading = false;
  const take = async (): Promise<void> => {
    if (reading) return; // a slow read (a busy machine) must not pile up behind itself
    reading = true;
    try {
      const bytes = await read();
      if (bytes !== null) {
        samples += 1;
        peakBytes = Math.max(peakBytes ?? 0, bytes);
      }
    } finally {
      reading = false;
    }
  };
  await take();
  const timer = setInterval(() => void take(), intervalMs);
  try {
    const result = await work();
    await take();
    return { result, peakBytes, samples };
  } finally {
    clearInterval(timer);
  }
}
