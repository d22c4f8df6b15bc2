/**
 * Resolves with `work`'s result, or with `onTimeout` once `timeoutMs` has passed, whichever comes first. The work
 * is not cancelled (JavaScript cannot), only no longer waited for: use it for probes and bounded waits.
 */
export async function withDeadline<T, F>(work: Promise<T>, timeoutMs: number, onTimeout: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<F>((resolve) => {
    timer = setTimeout(() => {
      resolve(onTimeout);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
