export type SlotOutcome = 'acquired' | 'timed-out' | 'cancelled';

interface Waiter {
  settle: (outcome: SlotOutcome) => void;
  timer: NodeJS.Timeout;
}

/**
 * At most `limit` things at a time. A waiter gives up after its timeout (so that the caller can heartbeat and look
 * again) or when the waiting is cancelled (stopping); a slot released goes to the longest waiter.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiters: Waiter[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`concurrency must be a positive integer, not ${limit}`);
  }

  get active(): number {
    return this.running;
  }

  acquire(timeoutMs: number): Promise<SlotOutcome> {
    if (this.running < this.limit) {
      this.running += 1;
      return Promise.resolve('acquired');
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        settle: resolve,
        timer: setTimeout(() => {
          this.removeWaiter(waiter);
          resolve('timed-out');
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) {
      // The slot passes straight to the waiter: `running` stays as it is.
      clearTimeout(next.timer);
      next.settle('acquired');
      return;
    }
    this.running -= 1;
    if (this.running === 0) {
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  /** Every current waiter gets 'cancelled'; later acquires wait as usual. */
  cancelWaiters(): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.settle('cancelled');
    }
  }

  /** Resolves once nothing holds a slot. */
  whenIdle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private removeWaiter(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }
}
