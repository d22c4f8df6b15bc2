import pino from 'pino';
import { Writable } from 'node:stream';
import { IntervalWorker } from './interval-worker';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

describe('IntervalWorker', () => {
  it('runs its work every interval, at start when asked, and no more once stopped', async () => {
    const { logger } = capture();
    let rounds = 0;
    const worker = new IntervalWorker('counter', 20, () => Promise.resolve(void (rounds += 1)), logger, {
      runAtStart: true,
    });
    await worker.start();
    expect(rounds).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 110));
    await worker.stop();
    const stoppedAt = rounds;
    expect(stoppedAt).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(rounds).toBe(stoppedAt);
  });

  it('skips the ticks that come while a round still runs: rounds never overlap', async () => {
    const { logger } = capture();
    let running = 0;
    let overlapped = false;
    let rounds = 0;
    const worker = new IntervalWorker(
      'slow round',
      10,
      async () => {
        running += 1;
        overlapped ||= running > 1;
        rounds += 1;
        await new Promise((resolve) => setTimeout(resolve, 55));
        running -= 1;
      },
      logger,
    );
    await worker.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await worker.stop();
    expect(overlapped).toBe(false);
    // About one round per 55 ms (fewer on a loaded machine), not one per 10 ms tick.
    expect(rounds).toBeGreaterThanOrEqual(1);
    expect(rounds).toBeLessThanOrEqual(5);
  });

  it('logs a failed round and goes on with the next', async () => {
    const { logger, lines } = capture();
    let rounds = 0;
    const worker = new IntervalWorker(
      'flaky purge',
      1000,
      () => {
        rounds += 1;
        return rounds === 1 ? Promise.reject(new Error('database away')) : Promise.resolve();
      },
      logger,
    );
    await worker.round();
    await worker.round();
    expect(rounds).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toMatchObject([{ msg: 'flaky purge failed; will try again', worker: 'flaky purge' }]);
    expect(worker.isHealthy()).toBe(true);
  });
});
