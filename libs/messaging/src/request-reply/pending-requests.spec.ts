import { defineRequest, Topics } from '@tessera/contracts';
import { z } from 'zod';
import { PendingRequests } from './pending-requests';
import { RequestTimeoutError, TooManyPendingRequestsError } from './request-errors';

const Echo = defineRequest({
  type: 'test.echo',
  version: 1,
  requestTopic: Topics.tokenRequests,
  replyTopic: Topics.tokenReplies,
  description: 'echo',
  request: z.object({ n: z.number() }),
  result: z.object({ n: z.number() }),
  key: (request) => String(request.n),
});

describe('PendingRequests', () => {
  it('hands the waiting request to its reply once, and stops its timer', async () => {
    const table = new PendingRequests({ maxPending: 10 });
    const waiting = table.add('a', Echo, 50);
    const request = table.take('a');
    expect(request?.definition).toBe(Echo);
    request?.resolve({ n: 1 });
    await expect(waiting).resolves.toEqual({ n: 1 });
    expect(table.take('a')).toBeUndefined();
    expect(table.size).toBe(0);
    // Its timer is gone: nothing rejects or counts a timeout later.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(table.classifyOrphan('a')).toBe('unknown');
  });

  it('rejects a request nobody answers with a timeout naming the request and the timeout, and counts it', async () => {
    const timedOut: string[] = [];
    const table = new PendingRequests({ maxPending: 10, onTimeout: (r) => timedOut.push(r.correlationId) });
    const waiting = table.add('b', Echo, 20);
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).message).toMatch(
      /no reply to test\.echo@v1 within 20 ms .*may be down or overloaded/,
    );
    expect(timedOut).toEqual(['b']);
    expect(table.size).toBe(0);
    expect(table.take('b')).toBeUndefined();
  });

  it('tells a late reply (its request timed out) from an unknown one, once', async () => {
    const table = new PendingRequests({ maxPending: 10 });
    await table.add('late', Echo, 5).catch(() => undefined);
    expect(table.classifyOrphan('late')).toBe('late');
    expect(table.classifyOrphan('late')).toBe('unknown'); // a duplicate of the late reply
    expect(table.classifyOrphan('never-sent')).toBe('unknown');
  });

  it('remembers a bounded number of timed-out ids, forgetting the oldest first', async () => {
    const table = new PendingRequests({ maxPending: 10, rememberTimedOut: 2 });
    await Promise.all(['1', '2', '3'].map((id) => table.add(id, Echo, 5).catch(() => undefined)));
    expect(table.classifyOrphan('1')).toBe('unknown');
    expect(table.classifyOrphan('2')).toBe('late');
    expect(table.classifyOrphan('3')).toBe('late');
  });

  it('refuses a request beyond maxPending at once, and takes one again when a slot frees', async () => {
    const table = new PendingRequests({ maxPending: 2 });
    const first = table.add('1', Echo, 1000);
    void table.add('2', Echo, 1000).catch(() => undefined);
    expect(() => table.add('3', Echo, 1000)).toThrow(TooManyPendingRequestsError);
    table.take('1')?.resolve({ n: 1 });
    await first;
    const third = table.add('3', Echo, 1000);
    table.rejectAll(() => new Error('stopping'));
    await expect(third).rejects.toThrow('stopping');
  });

  it('rejects every pending request on rejectAll, after which their replies are unknown', async () => {
    const table = new PendingRequests({ maxPending: 10 });
    const waiting = [table.add('x', Echo, 1000), table.add('y', Echo, 1000)];
    table.rejectAll((r) => new Error(`stopped: ${r.correlationId}`));
    await expect(waiting[0]).rejects.toThrow('stopped: x');
    await expect(waiting[1]).rejects.toThrow('stopped: y');
    expect(table.size).toBe(0);
    expect(table.take('x')).toBeUndefined();
    expect(table.classifyOrphan('x')).toBe('unknown');
  });

  it('refuses a correlation id that is already pending', () => {
    const table = new PendingRequests({ maxPending: 10 });
    void table.add('dup', Echo, 1000).catch(() => undefined);
    expect(() => table.add('dup', Echo, 1000)).toThrow(/already pending/);
    table.rejectAll(() => new Error('done'));
  });
});
