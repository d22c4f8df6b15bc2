import { silentLogger } from '@tessera/messaging';
import type { ViewWorker } from './view-workers';
import { WorkerSupervisor } from './worker-supervisor';

/** A worker that records what was asked of it; its start can fail, or wait until released. */
class RecordingWorker implements ViewWorker {
  readonly events: string[] = [];
  failStarts = 0;
  healthy = true;
  crashed = false;
  private release: (() => void) | undefined;

  constructor(
    readonly name: string,
    private readonly holdStart = false,
  ) {}

  async start() {
    this.events.push('start');
    if (this.failStarts > 0) {
      this.failStarts--;
      throw new Error('broker away');
    }
    if (this.holdStart) await new Promise<void>((resolve) => (this.release = resolve));
    this.crashed = false;
  }

  async stop() {
    this.events.push('stop');
  }

  isHealthy() {
    return this.healthy;
  }

  needsRestart() {
    return this.crashed;
  }

  finishStart() {
    this.release?.();
  }
}

const until = async (condition: () => boolean) => {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('WorkerSupervisor', () => {
  it('starts every worker, retrying one that fails, and counts each once started and healthy', async () => {
    const consumer = new RecordingWorker('consumer');
    const probe = new RecordingWorker('probe');
    consumer.failStarts = 2;
    const supervisor = new WorkerSupervisor([consumer, probe], silentLogger);
    expect(supervisor.unhealthyWorkers()).toEqual(['consumer', 'probe']);
    supervisor.start();
    await until(() => supervisor.unhealthyWorkers().length === 0);
    expect(consumer.events).toEqual(['start', 'start', 'start']);
    expect(probe.events).toEqual(['start']);
    probe.healthy = false;
    expect(supervisor.unhealthyWorkers()).toEqual(['probe']);
    await supervisor.stop();
    expect(consumer.events.at(-1)).toBe('stop');
    expect(probe.events.at(-1)).toBe('stop');
  });

  it('stops and starts again a worker that gave up', async () => {
    const consumer = new RecordingWorker('consumer');
    const supervisor = new WorkerSupervisor([consumer], silentLogger, 20);
    supervisor.start();
    await until(() => consumer.events.length === 1);
    consumer.crashed = true;
    await until(() => consumer.events.length === 3);
    expect(consumer.events).toEqual(['start', 'stop', 'start']);
    await supervisor.stop();
  });

  it("ends with a worker's shutdown() when it has one (a restart uses stop())", async () => {
    const consumer = Object.assign(new RecordingWorker('consumer'), {
      async shutdown(this: RecordingWorker) {
        this.events.push('shutdown');
      },
    });
    const probe = new RecordingWorker('probe');
    const supervisor = new WorkerSupervisor([consumer, probe], silentLogger, 20);
    supervisor.start();
    await until(() => consumer.events.length === 1);
    consumer.crashed = true;
    await until(() => consumer.events.length === 3);
    await supervisor.stop();
    expect(consumer.events).toEqual(['start', 'stop', 'start', 'shutdown']);
    expect(probe.events).toEqual(['start', 'stop']);
  });

  it('on stop, ends the retries at once and stops a worker whose start was still under way', async () => {
    const failing = new RecordingWorker('failing');
    failing.failStarts = Number.POSITIVE_INFINITY;
    const slow = new RecordingWorker('slow', true);
    const supervisor = new WorkerSupervisor([failing, slow], silentLogger);
    supervisor.start();
    await until(() => failing.events.length >= 2 && slow.events.length === 1);
    const stoppingAt = Date.now();
    const stopping = supervisor.stop();
    slow.finishStart();
    await stopping;
    // Not held up by the failing worker's backoff (up to 5 s).
    expect(Date.now() - stoppingAt).toBeLessThan(1000);
    const retries = failing.events.filter((event) => event === 'start').length;
    expect(slow.events).toEqual(['start', 'stop', 'stop']);
    expect(supervisor.unhealthyWorkers()).toEqual(['failing', 'slow']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(failing.events.filter((event) => event === 'start')).toHaveLength(retries);
  });
});
