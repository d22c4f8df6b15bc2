import { ConcurrencyLimit } from './concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('gives out up to its limit at once, then hands a released slot to the longest waiter', async () => {
    const limit = new ConcurrencyLimit(2);
    expect(await limit.acquire(1000)).toBe('acquired');
    expect(await limit.acquire(1000)).toBe('acquired');
    const order: string[] = [];
    const first = limit.acquire(1000).then((outcome) => order.push(`first ${outcome}`));
    const second = limit.acquire(1000).then((outcome) => order.push(`second ${outcome}`));
    limit.release();
    await first;
    expect(order).toEqual(['first acquired']);
    expect(limit.active).toBe(2);
    limit.release();
    await second;
    expect(order).toEqual(['first acquired', 'second acquired']);
  });

  it('lets a waiter give up after its timeout, without taking a slot later', async () => {
    const limit = new ConcurrencyLimit(1);
    await limit.acquire(1000);
    expect(await limit.acquire(10)).toBe('timed-out');
    limit.release();
    expect(limit.active).toBe(0);
  });

  it('cancels current waiters, and waits as usual afterwards', async () => {
    const limit = new ConcurrencyLimit(1);
    await limit.acquire(1000);
    const waiting = limit.acquire(1000);
    limit.cancelWaiters();
    expect(await waiting).toBe('cancelled');
    const next = limit.acquire(1000);
    limit.release();
    expect(await next).toBe('acquired');
  });

  it('tells when nothing holds a slot any more', async () => {
    const limit = new ConcurrencyLimit(3);
    await limit.acquire(1000);
    await limit.acquire(1000);
    let idle = false;
    const whenIdle = limit.whenIdle().then(() => {
      idle = true;
    });
    limit.release();
    await Promise.resolve();
    expect(idle).toBe(false);
    limit.release();
    await whenIdle;
    expect(idle).toBe(true);
    await limit.whenIdle(); // already idle: at once
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
    expect(() => new ConcurrencyLimit(1.5)).toThrow(RangeError);
  });
});
