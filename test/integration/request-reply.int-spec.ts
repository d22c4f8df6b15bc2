import { defineRequest, RequestHeaders, Topics, topicName } from '@tessera/contracts';
import {
  InvalidRequestDataError,
  KafkaRequester,
  KafkaResponder,
  MalformedReplyError,
  type MessagingLogger,
  MessagingMetrics,
  RequesterNotRunningError,
  RequestFailedError,
  RequestHandlerError,
  RequestTimeoutError,
  silentLogger,
  TooManyPendingRequestsError,
} from '@tessera/messaging';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { type Counter, Registry } from 'prom-client';
import { z } from 'zod';
import { eventually } from '../support/eventually';
import { produceRaw, TopicProbe } from '../support/kafka-probe';
import { provisionTopics, testKafka } from '../support/messaging-fixture';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();

/** A request of the tests' own, on the real token request and reply topics (under a prefix of each test's own). */
const EchoV1 = defineRequest({
  type: 'test.echo',
  version: 1,
  requestTopic: Topics.tokenRequests,
  replyTopic: Topics.tokenReplies,
  description: 'answers what it was sent, and who answered',
  request: z.object({ n: z.number().int(), text: z.string().max(100) }),
  result: z.object({ n: z.number().int(), text: z.string(), answeredBy: z.string() }),
  key: (request) => `echo/${request.n % 64}`,
});
/** A version no responder here answers. */
const EchoV2 = defineRequest({ ...EchoV1, version: 2 });

/** Lets a test hold a handler until it says so. */
class Gate {
  private open: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => {
    this.open = resolve;
  });
  release(): void {
    this.open();
  }
}

/** The type and version headers of an echo v1 reply. */
const echoHeaders = { [RequestHeaders.type]: 'test.echo', [RequestHeaders.version]: '1' };

async function counted(counter: Counter, labels: Record<string, string>): Promise<number> {
  const { values } = await counter.get();
  return values
    .filter((value) => Object.entries(labels).every(([name, expected]) => value.labels[name] === expected))
    .reduce((sum, value) => sum + value.value, 0);
}

describe('request/reply over the real Kafka broker', () => {
  let kafka: Kafka;
  let prefix: string;
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(() => {
    kafka = testKafka(env.kafkaBrokers);
  });

  beforeEach(async () => {
    // Topics of each test's own: a responder group of one test never sees another test's requests.
    prefix = `test-${uniqueSuffix()}.`;
    await provisionTopics(kafka, prefix, [Topics.tokenRequests, Topics.tokenReplies]);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((worker) => worker.stop()));
  });

  const requestTopic = () => topicName(Topics.tokenRequests, prefix);
  const replyTopic = () => topicName(Topics.tokenReplies, prefix);

  function requester(options: { instanceId?: string; logger?: MessagingLogger; maxPending?: number } = {}) {
    const metrics = new MessagingMetrics(new Registry());
    const worker = new KafkaRequester({
      kafka,
      topicPrefix: prefix,
      requests: [EchoV1, EchoV2],
      logger: options.logger ?? silentLogger,
      metrics,
      instanceId: options.instanceId,
      maxPending: options.maxPending,
    });
    running.push(worker);
    return { worker, metrics };
  }

  /** An echo responder; `text` steers it: refuse, crash, bad-result, or wait (held until `gate` opens). */
  function responder(name: string, options: { groupId?: string; gate?: Gate; drainTimeoutMs?: number } = {}) {
    const metrics = new MessagingMetrics(new Registry());
    const handled: number[] = [];
    const worker = new KafkaResponder({
      kafka,
      groupId: options.groupId ?? `tessera-test-echo-${uniqueSuffix()}`,
      topicPrefix: prefix,
      logger: silentLogger,
      metrics,
      concurrency: 16,
      drainTimeoutMs: options.drainTimeoutMs,
    }).handle(EchoV1, async (request) => {
      handled.push(request.n);
      if (request.text === 'refuse') throw new RequestHandlerError('unavailable', 'no signing key yet');
      if (request.text === 'crash') throw new Error('connection to 10.0.0.7 refused (a detail for the log only)');
      if (request.text === 'bad-result') return { n: request.n } as never;
      if (request.text === 'wait') await options.gate?.opened;
      return { ...request, answeredBy: name };
    });
    running.push(worker);
    return { worker, metrics, handled };
  }

  it('answers 500 concurrent requests from two requesters through two responders of one group, each with its own reply', async () => {
    const groupId = `tessera-test-echo-${uniqueSuffix()}`;
    const responders = [responder('responder-a', { groupId }), responder('responder-b', { groupId })];
    for (const { worker } of responders) await worker.start();
    const requesters = [requester(), requester()];
    await Promise.all(requesters.map(({ worker }) => worker.start()));

    const results = await Promise.all(
      requesters.flatMap(({ worker }, r) =>
        Array.from({ length: 250 }, (_, i) =>
          worker
            .request(EchoV1, { n: r * 1000 + i, text: `${worker.instanceId} #${i}` }, { timeoutMs: 20_000 })
            .then((result) => ({ sent: { n: r * 1000 + i, text: `${worker.instanceId} #${i}` }, result })),
        ),
      ),
    );

    expect(results).toHaveLength(500);
    for (const { sent, result } of results) expect(result).toMatchObject(sent);
    const answeredBy = new Set(results.map(({ result }) => result.answeredBy));
    expect(answeredBy).toEqual(new Set(['responder-a', 'responder-b']));
    // Each request handled once, by one member of the group.
    expect(responders.flatMap(({ handled }) => handled).sort((a, b) => a - b)).toEqual(
      results.map(({ sent }) => sent.n).sort((a, b) => a - b),
    );
    for (const { worker, metrics } of requesters) {
      expect(worker.pendingCount).toBe(0);
      expect(await counted(metrics.requestsSent, { type: 'test.echo', outcome: 'ok' })).toBe(250);
      // The other requester's replies pass by unread (filtered on the header), never as unknown or late.
      expect(await counted(metrics.repliesDropped, {})).toBe(0);
      expect(worker.isHealthy()).toBe(true);
    }
    expect(responders.every(({ worker }) => worker.isHealthy())).toBe(true);
  });

  it('answers a request sent the moment start() resolves', async () => {
    const echo = responder('responder');
    await echo.worker.start();
    for (let i = 0; i < 3; i++) {
      const { worker } = requester();
      await worker.start();
      await expect(worker.request(EchoV1, { n: i, text: 'at once' }, { timeoutMs: 10_000 })).resolves.toEqual({
        n: i,
        text: 'at once',
        answeredBy: 'responder',
      });
    }
  });

  it('reads every reply written once start() has resolved, and none written before start() was called', async () => {
    const instanceId = `fresh-${uniqueSuffix()}`;
    // Replies nobody waits for are logged with their correlation id: the test's window on what was read.
    const read = new Set<string>();
    const logger = {
      ...silentLogger,
      debug: (details: object) => {
        const { correlationId } = details as { correlationId?: string };
        if (correlationId) read.add(correlationId);
      },
    };
    const { worker } = requester({ instanceId, logger });
    const producer = kafka.producer();
    await producer.connect();
    // Replies to this instance stream in throughout: before start(), while it runs, after it resolved. The ones
    // written just after it resolved are those a lazily resolved position (a new group's first fetch asking for
    // the log end) would skip.
    type Sent = { id: string; began: number; acked: number };
    const sent: Sent[] = [];
    let streaming = true;
    const streams = Array.from({ length: 4 }, async () => {
      while (streaming) {
        const id = randomUUID();
        const began = performance.now();
        await producer.send({
          topic: replyTopic(),
          acks: -1,
          messages: [
            {
              key: instanceId,
              value: '{}',
              headers: { [RequestHeaders.correlationId]: id, [RequestHeaders.replyTo]: instanceId, ...echoHeaders },
            },
          ],
        });
        sent.push({ id, began, acked: performance.now() });
      }
    });
    try {
      await eventually(() => sent.length >= 20, 'the stream to flow (a new topic has no leader at first)');
      const startCalled = performance.now();
      await worker.start();
      const startResolved = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 300));
      streaming = false;
      await Promise.all(streams);

      const before = sent.filter((s) => s.acked < startCalled).map((s) => s.id);
      const after = sent.filter((s) => s.began > startResolved).map((s) => s.id);
      expect(before.length).toBeGreaterThanOrEqual(20);
      expect(after.length).toBeGreaterThan(10);
      // Waits for them all, then names any still missing (the assertion below, not the wait, is the test).
      await eventually(() => after.every((id) => read.has(id)), 'every reply written after start()', 10_000).catch(
        () => undefined,
      );
      expect({ missed: after.filter((id) => !read.has(id)).length, of: after.length }).toEqual({
        missed: 0,
        of: after.length,
      });
      expect(before.filter((id) => read.has(id))).toEqual([]);
    } finally {
      streaming = false;
      await Promise.all(streams);
      await producer.disconnect();
    }
  });

  it('times out after about timeoutMs when no responder runs, saying what was asked and why that may be', async () => {
    const { worker, metrics } = requester();
    await worker.start();

    const started = performance.now();
    const error = await worker.request(EchoV1, { n: 1, text: 'anyone?' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).message).toMatch(
      /^no reply to test\.echo@v1 within 300 ms .*the answering service may be down or overloaded$/,
    );
    expect(elapsed).toBeGreaterThanOrEqual(295);
    // Generous, since the machine is shared: the point is that the timer, not some Kafka timeout, ended it.
    expect(elapsed).toBeLessThan(2300);
    expect(await counted(metrics.requestsSent, { type: 'test.echo', outcome: 'timeout' })).toBe(1);
    expect(worker.pendingCount).toBe(0);
  });

  it('answers what was sent while the responder was stopped once it is back, and drops unanswered what expired', async () => {
    const echo = responder('responder');
    await echo.worker.start();
    const { worker, metrics } = requester();
    await worker.start();
    await worker.request(EchoV1, { n: 0, text: 'warm-up' }, { timeoutMs: 10_000 });
    await echo.worker.stop();

    const patient = worker.request(EchoV1, { n: 1, text: 'patient' }, { timeoutMs: 30_000 });
    const hasty = await worker.request(EchoV1, { n: 2, text: 'hasty' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(hasty).toBeInstanceOf(RequestTimeoutError);

    await echo.worker.start(); // the same responder, as the service lifecycle restarts one
    await expect(patient).resolves.toEqual({ n: 1, text: 'patient', answeredBy: 'responder' });
    await eventually(
      async () => (await counted(echo.metrics.requestsAnswered, { type: 'test.echo', outcome: 'expired' })) === 1,
      'the expired request to be dropped',
    );
    // The handler never saw the expired one, and nobody answered it.
    expect(echo.handled).toEqual([0, 1]);
    expect(await counted(metrics.repliesDropped, { reason: 'late' })).toBe(0);
  });

  it('replies invalid-request with the reason to a body its schema refuses, and drops what has no reply address', async () => {
    const echo = responder('responder');
    await echo.worker.start();
    const probe = await new TopicProbe(env.kafkaBrokers, [replyTopic()]).start();
    try {
      const headers = (correlationId: string) => ({
        [RequestHeaders.correlationId]: correlationId,
        [RequestHeaders.replyTo]: 'raw-requester',
        [RequestHeaders.deadline]: String(Date.now() + 30_000),
        [RequestHeaders.type]: 'test.echo',
        [RequestHeaders.version]: '1',
        [RequestHeaders.contentType]: 'application/json',
      });
      const [wrongType, notJson] = [randomUUID(), randomUUID()];
      await produceRaw(env.kafkaBrokers, requestTopic(), [
        { key: 'raw', value: JSON.stringify({ n: 'seven', text: 'x' }), headers: headers(wrongType) },
        { key: 'raw', value: '{"n": 7,', headers: headers(notJson) },
        { key: 'raw', value: JSON.stringify({ n: 8, text: 'no address' }) },
      ]);

      const replies = await probe.waitFor((received) => received.length >= 2, 15_000, 'two replies');
      const byId = new Map(replies.map((m) => [m.headers[RequestHeaders.correlationId], m]));
      const wrong = byId.get(wrongType);
      expect(wrong?.key).toBe('raw-requester');
      expect(wrong?.headers).toMatchObject({
        [RequestHeaders.replyTo]: 'raw-requester',
        [RequestHeaders.type]: 'test.echo',
        [RequestHeaders.version]: '1',
      });
      expect(JSON.parse(wrong?.value ?? '')).toEqual({
        ok: false,
        error: {
          code: 'invalid-request',
          message: expect.stringMatching(/^test\.echo@v1 request body invalid: n: /) as unknown,
        },
      });
      expect(JSON.parse(byId.get(notJson)?.value ?? '')).toEqual({
        ok: false,
        error: { code: 'invalid-request', message: 'test.echo@v1 request body is not JSON' },
      });
      await eventually(
        async () => (await counted(echo.metrics.requestsAnswered, { outcome: 'dropped' })) === 1,
        'the request without headers to be dropped',
      );
      expect(echo.handled).toEqual([]);
      expect(probe.received).toHaveLength(2);
    } finally {
      await probe.stop();
    }
  });

  it('replies with the code of a RequestHandlerError, and internal without details for anything else', async () => {
    const echo = responder('responder');
    await echo.worker.start();
    const { worker, metrics } = requester();
    await worker.start();
    const failure = (text: string) =>
      worker
        .request(EchoV1, { n: 1, text }, { timeoutMs: 10_000 })
        .then(() => undefined)
        .catch((e: unknown) => e as RequestFailedError);

    const refused = await failure('refuse');
    expect(refused).toBeInstanceOf(RequestFailedError);
    expect(refused?.code).toBe('unavailable');
    expect(refused?.responderMessage).toBe('no signing key yet');

    const crashed = await failure('crash');
    expect(crashed?.code).toBe('internal');
    expect(crashed?.responderMessage).toMatch(/^test\.echo@v1 failed in the answering service \(correlation id /);
    expect(crashed?.message).not.toContain('10.0.0.7');

    // A result its own contract refuses is the responder's bug: internal too, never a bad reply on the wire.
    const badResult = await failure('bad-result');
    expect(badResult?.code).toBe('internal');

    expect(await counted(metrics.requestsSent, { outcome: 'unavailable' })).toBe(1);
    expect(await counted(metrics.requestsSent, { outcome: 'internal' })).toBe(2);
    // Counted once Kafka acknowledged the reply, which can be just after the requester has read it.
    await eventually(
      async () => (await counted(echo.metrics.requestsAnswered, { type: 'test.echo', outcome: 'internal' })) === 2,
      'two internal replies counted by the responder',
    );
  });

  it('replies unsupported to a version it does not answer', async () => {
    const echo = responder('responder');
    await echo.worker.start();
    const { worker } = requester();
    await worker.start();

    const error = await worker.request(EchoV2, { n: 1, text: 'v2' }, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestFailedError);
    expect((error as RequestFailedError).code).toBe('unsupported');
    expect((error as RequestFailedError).responderMessage).toBe(
      'test.echo@v2 is not answered here (only test.echo@v1)',
    );
    expect(echo.handled).toEqual([]);
  });

  it('rejects a reply that does not fit the reply schema as malformed', async () => {
    const { worker, metrics } = requester();
    await worker.start();
    const probe = await new TopicProbe(env.kafkaBrokers, [requestTopic()]).start();
    try {
      const pending = worker.request(EchoV1, { n: 1, text: 'x' }, { timeoutMs: 15_000 }).catch((e: unknown) => e);
      const [request] = await probe.waitFor((received) => received.length === 1, 10_000, 'the request');
      await produceRaw(env.kafkaBrokers, replyTopic(), [
        {
          key: worker.instanceId,
          value: JSON.stringify({ ok: true, result: { n: 'one' } }),
          headers: {
            [RequestHeaders.correlationId]: request?.headers[RequestHeaders.correlationId] ?? '',
            [RequestHeaders.replyTo]: worker.instanceId,
            [RequestHeaders.type]: 'test.echo',
            [RequestHeaders.version]: '1',
          },
        },
      ]);
      const error = await pending;
      expect(error).toBeInstanceOf(MalformedReplyError);
      expect((error as MalformedReplyError).message).toMatch(/^malformed reply to test\.echo@v1: /);
      expect(await counted(metrics.requestsSent, { outcome: 'malformed' })).toBe(1);
      // The request went out as the contract says: key, parsed body, every header.
      expect(request?.key).toBe('echo/1');
      expect(JSON.parse(request?.value ?? '')).toEqual({ n: 1, text: 'x' });
      expect(request?.headers).toMatchObject({
        [RequestHeaders.replyTo]: worker.instanceId,
        [RequestHeaders.type]: 'test.echo',
        [RequestHeaders.version]: '1',
        [RequestHeaders.contentType]: 'application/json',
      });
      expect(Number(request?.headers[RequestHeaders.deadline])).toBeGreaterThan(Date.now());
    } finally {
      await probe.stop();
    }
  });

  it('handles a slow request without holding up those behind it, and hands it on uncommitted when stopped', async () => {
    const groupId = `tessera-test-echo-${uniqueSuffix()}`;
    const gate = new Gate();
    const first = responder('first', { groupId, gate, drainTimeoutMs: 200 });
    await first.worker.start();
    const { worker } = requester();
    await worker.start();

    // n = 64 has the key of the others below (n % 64 = 0): one partition, behind the slow one.
    const slow = worker.request(EchoV1, { n: 64, text: 'wait' }, { timeoutMs: 30_000 });
    await eventually(() => first.handled.includes(64), 'the slow request to be taken');
    const fast = await Promise.all(
      [0, 128, 192].map((n) => worker.request(EchoV1, { n, text: 'fast' }, { timeoutMs: 10_000 })),
    );
    expect(fast.map((r) => r.n)).toEqual([0, 128, 192]);
    expect(worker.pendingCount).toBe(1); // the slow one, still held

    // Stopped while it still runs: abandoned, not committed, so the next member of the group answers it.
    await first.worker.stop();
    const second = responder('second', { groupId });
    await second.worker.start();
    await expect(slow).resolves.toEqual({ n: 64, text: 'wait', answeredBy: 'second' });
    gate.release();
  });

  it('refuses at once, sending nothing, data its schema refuses and requests beyond maxPending', async () => {
    const { worker, metrics } = requester({ maxPending: 2 });
    await worker.start();
    const probe = await new TopicProbe(env.kafkaBrokers, [requestTopic()]).start();
    try {
      await expect(worker.request(EchoV1, { n: 1.5, text: 'x' }, { timeoutMs: 10_000 })).rejects.toThrow(
        InvalidRequestDataError,
      );
      const waiting = [1, 2].map((n) =>
        worker.request(EchoV1, { n, text: 'x' }, { timeoutMs: 10_000 }).catch((e: unknown) => e),
      );
      await expect(worker.request(EchoV1, { n: 3, text: 'x' }, { timeoutMs: 10_000 })).rejects.toThrow(
        TooManyPendingRequestsError,
      );
      expect(await counted(metrics.requestsSent, { outcome: 'too-many-pending' })).toBe(1);
      // Only the two that were taken went out.
      await probe.waitFor((received) => received.length >= 2, 10_000, 'the two requests');
      await worker.stop();
      expect(await Promise.all(waiting)).toEqual([
        expect.any(RequesterNotRunningError),
        expect.any(RequesterNotRunningError),
      ]);
      expect(probe.received.map((m) => (JSON.parse(m.value ?? '{}') as { n?: number }).n).sort()).toEqual([1, 2]);
    } finally {
      await probe.stop();
    }
  });

  it('rejects pending requests at once on stop(), and refuses requests until started again', async () => {
    const { worker, metrics } = requester();
    await worker.start();
    const pending = worker.request(EchoV1, { n: 1, text: 'x' }, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    await worker.stop();
    const error = await pending;
    expect(error).toBeInstanceOf(RequesterNotRunningError);
    expect((error as Error).message).toBe('cannot complete test.echo@v1: the requester is stopping');
    expect(await counted(metrics.requestsSent, { outcome: 'stopped' })).toBe(1);
    await expect(worker.request(EchoV1, { n: 2, text: 'y' }, { timeoutMs: 1000 })).rejects.toThrow(
      'cannot complete test.echo@v1: the requester is not started',
    );
    expect(worker.isHealthy()).toBe(false);
  });
});
