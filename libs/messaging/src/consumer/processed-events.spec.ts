import { ApplyEveryDelivery, InMemoryProcessedEvents } from './processed-events';

describe('InMemoryProcessedEvents', () => {
  it('applies an event once per consumer', async () => {
    const store = new InMemoryProcessedEvents();
    const applied: string[] = [];
    const work = async () => {
      applied.push('x');
    };
    expect(await store.runOnce('verifier-a', 'e1', work)).toBe('applied');
    expect(await store.runOnce('verifier-a', 'e1', work)).toBe('duplicate');
    expect(await store.runOnce('verifier-b', 'e1', work)).toBe('applied');
    expect(applied).toHaveLength(2);
  });

  it('does not record an event whose work failed, so a retry applies it', async () => {
    const store = new InMemoryProcessedEvents();
    await expect(store.runOnce('c', 'e1', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await store.runOnce('c', 'e1', async () => undefined)).toBe('applied');
  });

  it('forgets the oldest ids beyond its capacity', async () => {
    const store = new InMemoryProcessedEvents(2);
    const noop = async () => undefined;
    await store.runOnce('c', 'e1', noop);
    await store.runOnce('c', 'e2', noop);
    await store.runOnce('c', 'e3', noop);
    expect(await store.runOnce('c', 'e3', noop)).toBe('duplicate');
    expect(await store.runOnce('c', 'e1', noop)).toBe('applied');
  });

  it("gives each consumer its own capacity: one consumer's traffic does not push out another's ids", async () => {
    const store = new InMemoryProcessedEvents(2);
    const noop = async () => undefined;
    await store.runOnce('quiet', 'q1', noop);
    for (const id of ['b1', 'b2', 'b3']) await store.runOnce('busy', id, noop);
    expect(await store.runOnce('quiet', 'q1', noop)).toBe('duplicate');
    expect(await store.runOnce('busy', 'b1', noop)).toBe('applied');
  });
});

describe('ApplyEveryDelivery', () => {
  it('applies every delivery of an event, for handlers that set state', async () => {
    const store = new ApplyEveryDelivery();
    const applied: string[] = [];
    const work = async () => {
      applied.push('x');
    };
    expect(await store.runOnce('verifier-a', 'e1', work)).toBe('applied');
    expect(await store.runOnce('verifier-a', 'e1', work)).toBe('applied');
    expect(applied).toHaveLength(2);
  });

  it('passes a failure on, so the consumer retries', async () => {
    const store = new ApplyEveryDelivery();
    await expect(store.runOnce('c', 'e1', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
