import pino from 'pino';
import type { KafkaRuntime } from './kafka/kafka-runtime';
import { type BackgroundWorker, ServiceLifecycle } from './service-lifecycle';

// Orchestration only: the Kafka runtime is a stand-in that is always provisioned (its real behaviour is covered
// by the integration and end-to-end suites).
const kafka = {
  isProvisioned: true,
  start: () => undefined,
  stop: () => Promise.resolve(),
} as unknown as KafkaRuntime;

class RecordingWorker implements BackgroundWorker {
  readonly events: string[] = [];
  crashed = false;
  healthy = true;
  constructor(
    readonly name: string,
    private readonly stopTakesMs = 0,
  ) {}
  async start() {
    this.events.push('start');
    this.crashed = false;
  }
  async stop() {
    this.events.push('stop');
    await new Promise((resolve) => setTimeout(resolve, this.stopTakesMs).unref());
  }
  isHealthy() {
    return this.healthy && !this.crashed;
  }
  needsRestart() {
    return this.crashed;
  }
}

const until = async (condition: () => boolean) => {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('ServiceLifecycle', () => {
  const logger = pino({ level: 'silent' });

  it('starts registered workers and reports the ones not started or not healthy', async () => {
    const lifecycle = new ServiceLifecycle(logger, kafka);
    const worker = new RecordingWorker('consumer a');
    lifecycle.register(worker);
    expect(lifecycle.unhealthyWorkers()).toEqual(['consumer a']);
    lifecycle.start();
    await until(() => worker.events.includes('start'));
    expect(lifecycle.unhealthyWorkers()).toEqual([]);
    worker.healthy = false;
    expect(lifecycle.unhealthyWorkers()).toEqual(['consumer a']);
    await lifecycle.shutdown();
  });

  it('stops and starts again a worker that gave up', async () => {
    const lifecycle = new ServiceLifecycle(logger, kafka, undefined, undefined, 20);
    const worker = new RecordingWorker('consumer b');
    lifecycle.register(worker);
    lifecycle.start();
    await until(() => worker.events.length === 1);
    worker.crashed = true;
    await until(() => worker.events.length === 3);
    expect(worker.events).toEqual(['start', 'stop', 'start']);
    await until(() => lifecycle.unhealthyWorkers().length === 0);
    await lifecycle.shutdown();
  });

  it("ends with a worker's shutdown() when it has one, its stop() otherwise; a restart uses stop()", async () => {
    const lifecycle = new ServiceLifecycle(logger, kafka, undefined, undefined, 20);
    const view = Object.assign(new RecordingWorker('view consumer'), {
      async shutdown(this: RecordingWorker) {
        this.events.push('shutdown');
      },
    });
    const plain = new RecordingWorker('plain');
    lifecycle.register(view);
    lifecycle.register(plain);
    lifecycle.start();
    await until(() => view.events.length === 1 && plain.events.length === 1);
    view.crashed = true;
    await until(() => view.events.length === 3);
    await until(() => lifecycle.unhealthyWorkers().length === 0);
    await lifecycle.shutdown();
    expect(view.events).toEqual(['start', 'stop', 'start', 'shutdown']);
    expect(plain.events).toEqual(['start', 'stop']);
  });

  it('stops workers together, and does not wait for one that hangs beyond its step deadline', async () => {
    const lifecycle = new ServiceLifecycle(logger, kafka);
    const quick = new RecordingWorker('quick');
    const stuck = new RecordingWorker('stuck', 60_000);
    lifecycle.register(quick);
    lifecycle.register(stuck);
    lifecycle.start();
    await until(() => quick.events.includes('start') && stuck.events.includes('start'));
    const started = Date.now();
    await lifecycle.shutdown();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(quick.events).toContain('stop');
    expect(stuck.events).toContain('stop');
  });
});
