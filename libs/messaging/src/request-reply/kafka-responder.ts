import { type RequestData, type RequestDefinition, type ResultData, topicName } from '@tessera/contracts';
import { withDeadline } from '@tessera/timing';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { errorDetails, type MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../metrics';
import { ConcurrencyLimit } from './concurrency-limit';
import { OffsetTracker } from './offset-tracker';
import { describeIssues, encodeError, encodeResult } from './reply-body';
import { requestLabel } from './request-errors';
import { RequestHandlerError } from './request-handler-error';
import { parseRequestHeaders, type RequestAddress, replyHeaders } from './request-headers';
import { UnorderedProducer } from './unordered-producer';

export interface RequestContext {
  correlationId: string;
  /** Epoch milliseconds after which nobody waits for the answer: work that would end later is wasted. */
  deadline: number;
}

export type RequestHandler<Definition extends RequestDefinition> = (
  request: RequestData<Definition>,
  context: RequestContext,
) => Promise<ResultData<Definition>>;

export interface KafkaResponderOptions {
  kafka: Kafka;
  /** Shared by every instance of the answering service: Kafka spreads the request partitions over them. */
  groupId: string;
  topicPrefix: string;
  logger: MessagingLogger;
  metrics?: MessagingMetrics;
  /** Requests handled at the same time by this instance (default 32). */
  concurrency?: number;
  /** How long stop() lets running handlers finish before it abandons them, uncommitted (default 2000 ms). */
  drainTimeoutMs?: number;
  sessionTimeoutMs?: number;
}

interface Registration {
  definition: RequestDefinition;
  handler: RequestHandler<RequestDefinition>;
  replyTopic: string;
}

type State = 'stopped' | 'starting' | 'running' | 'stopping';

/** How often answered offsets are committed: a crash redelivers at most this much (answered twice, harmless). */
const COMMIT_INTERVAL_MS = 200;
/** How long to wait for a free slot before heartbeating and looking again. */
const SLOT_WAIT_MS = 1000;

/**
 * Answers requests from Kafka: one member of the group takes each request, runs its handler and sends the reply to
 * the requester's address (reply topic, keyed by the requester's id, with the request's correlation id). Requests
 * are handled concurrently, up to `concurrency`; what was answered or dropped is committed, in offset order per
 * partition, so a slow request holds back only its partition's commit. After a rebalance or a crash, requests in
 * flight are redelivered and may be answered twice: the requester takes the first reply and drops the other.
 */
export class KafkaResponder {
  private readonly consumer: Consumer;
  private readonly producer: UnorderedProducer;
  private readonly limit: ConcurrencyLimit;
  private readonly registrations = new Map<string, Registration>();
  /** Where to send `unsupported` for a request of a type nobody registered: the reply topic of its request topic. */
  private readonly replyTopicByRequestTopic = new Map<string, string>();
  /** Replaced at each join: offsets taken in an older generation must not be committed in this one. */
  private tracker = new OffsetTracker();
  private state: State = 'stopped';
  private starting: Promise<void> | undefined;
  private joined = false;
  private crashed: string | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private abortJoin: ((error: Error) => void) | undefined;
  private markJoined: () => void = () => undefined;

  constructor(private readonly options: KafkaResponderOptions) {
    this.limit = new ConcurrencyLimit(options.concurrency ?? 32);
    this.producer = new UnorderedProducer(options.kafka);
    const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout,
      // Members learn of a rebalance (a new instance joining) at their next heartbeat: keep that short.
      heartbeatInterval: Math.min(1000, Math.floor(sessionTimeout / 3)),
      maxWaitTimeInMs: 100,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.tracker = new OffsetTracker();
      this.joined = true;
      this.markJoined();
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (event.payload.restart) return; // kafkajs restarts it by itself
      this.crashed = event.payload.error.message;
      this.abortJoin?.(event.payload.error);
      this.options.logger.error(
        { ...errorDetails(event.payload.error), group: options.groupId },
        'request consumer stopped; requests go unanswered until the responder is restarted',
      );
    });
  }

  get name(): string {
    return `responder ${this.options.groupId}`;
  }

  /** Answers `definition`'s requests with `handler`; register every definition before start(). */
  handle<Definition extends RequestDefinition>(definition: Definition, handler: RequestHandler<Definition>): this {
    if (this.state !== 'stopped') throw new Error(`${this.name}: register handlers before start()`);
    const label = requestLabel(definition);
    if (this.registrations.has(label)) throw new Error(`${this.name} already answers ${label}`);
    const requestTopic = topicName(definition.requestTopic, this.options.topicPrefix);
    const replyTopic = topicName(definition.replyTopic, this.options.topicPrefix);
    const known = this.replyTopicByRequestTopic.get(requestTopic);
    if (known !== undefined && known !== replyTopic) {
      throw new Error(`${label} replies on ${replyTopic}, other requests on ${requestTopic} on ${known}`);
    }
    this.replyTopicByRequestTopic.set(requestTopic, replyTopic);
    this.registrations.set(label, {
      definition,
      handler,
      replyTopic,
    });
    return this;
  }

  /** Joined and taking requests, producer connected. */
  isHealthy(): boolean {
    return this.state === 'running' && this.joined && this.crashed === undefined && this.producer.isConnected;
  }

  /** True once kafkajs gave up on the request consumer: the service lifecycle then stops and starts it again. */
  needsRestart(): boolean {
    return this.crashed !== undefined;
  }

  start(): Promise<void> {
    if (this.state !== 'stopped') return Promise.reject(new Error(`${this.name} is ${this.state}`));
    if (this.registrations.size === 0) return Promise.reject(new Error(`${this.name} has no handlers`));
    this.state = 'starting';
    this.crashed = undefined;
    this.starting = this.connectAndJoin().then(
      () => {
        this.state = 'running';
        this.commitTimer = setInterval(() => void this.commit(), COMMIT_INTERVAL_MS);
        this.commitTimer.unref();
      },
      async (error: unknown) => {
        await this.disconnect();
        this.state = 'stopped';
        throw error;
      },
    );
    return this.starting;
  }

  /**
   * Takes no more requests, lets running handlers finish (up to drainTimeoutMs; those still running then are
   * abandoned, uncommitted, and another member answers them if their deadline allows), commits, leaves the group.
   */
  async stop(): Promise<void> {
    if (this.state === 'starting') {
      this.abortJoin?.(new Error(`${this.name} was stopped while starting`));
      await this.starting?.catch(() => undefined);
    }
    if (this.state !== 'running') return;
    this.state = 'stopping';
    this.limit.cancelWaiters();
    // Paused, the consumer stops fetching what it would only refuse while the handlers drain.
    try {
      this.consumer.pause(this.requestTopics().map((topic) => ({ topic })));
    } catch {
      // Not running any more (crashed): nothing is fetched anyway.
    }
    const drained = await withDeadline(
      this.limit.whenIdle().then(() => true),
      this.options.drainTimeoutMs ?? 2000,
      false,
    );
    if (!drained) {
      this.options.logger.warn(
        { group: this.options.groupId, running: this.limit.active },
        'request handlers still running at stop; abandoned uncommitted',
      );
    }
    clearInterval(this.commitTimer);
    // A timer's commit may be under way with older offsets: the last one goes after it.
    await this.committing;
    await this.commit();
    await this.disconnect();
    this.state = 'stopped';
  }

  private requestTopics(): string[] {
    return [...this.replyTopicByRequestTopic.keys()];
  }

  private async connectAndJoin(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    // A new group reads the retained requests from the beginning: nothing sent while it was being created is
    // lost, and the deadline check drops, cheaply (headers only), the old ones nobody waits for.
    await this.consumer.subscribe({ topics: this.requestTopics(), fromBeginning: true });
    const joined = new Promise<void>((resolve, reject) => {
      this.joined = false;
      this.markJoined = resolve;
      this.abortJoin = reject;
    });
    // A crash can end the wait while run() is still under way: handled here, so it is never an unhandled rejection.
    joined.catch(() => undefined);
    await this.consumer.run({
      autoCommit: false,
      // Offsets are resolved one by one as requests are taken, and committed once answered.
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.takeRequests(payload),
    });
    try {
      await joined;
    } finally {
      this.markJoined = () => undefined;
      this.abortJoin = undefined;
    }
  }

  /**
   * Starts handling each message of the batch and returns without waiting for the handlers: kafkajs fetches the
   * next batch only after this returns, so waiting would let one slow request hold up every partition.
   */
  private async takeRequests(payload: EachBatchPayload): Promise<void> {
    const tracker = this.tracker;
    const { batch } = payload;
    const { topic, partition } = batch;
    const taking = () => this.state === 'running' && payload.isRunning() && !payload.isStale();
    for (const message of batch.messages) {
      if (!taking()) return;
      const address = this.admit(message);
      if (!address) {
        // Dropped: done as soon as taken.
        tracker.take(topic, partition, message.offset);
        tracker.finish(topic, partition, message.offset);
        payload.resolveOffset(message.offset);
        continue;
      }
      for (;;) {
        const slot = await this.limit.acquire(SLOT_WAIT_MS);
        if (slot === 'acquired') break;
        if (slot === 'cancelled') return;
        // Every slot busy for a while: stay in the group, and see whether it still wants us to go on.
        await payload.heartbeat();
        if (!taking()) return;
      }
      tracker.take(topic, partition, message.offset);
      payload.resolveOffset(message.offset);
      void this.answer(topic, message, address)
        .catch((error: unknown) => {
          // answer() catches what handlers throw; this is a bug of its own, which must not crash the process.
          this.options.logger.error({ ...errorDetails(error), offset: message.offset }, 'request not answered');
        })
        .finally(() => {
          this.limit.release();
          tracker.finish(topic, partition, message.offset);
        });
    }
  }

  /** The request's address, or undefined when it is to be dropped unanswered (counted and, if odd, logged). */
  private admit(message: KafkaMessage): RequestAddress | undefined {
    const address = parseRequestHeaders(message.headers);
    if (!address.ok) {
      // Nobody to reply to.
      this.options.metrics?.requestsAnswered.inc({ type: 'unknown', outcome: 'dropped' });
      this.options.logger.warn({ reason: address.reason, offset: message.offset }, 'request with unusable headers');
      return undefined;
    }
    if (address.value.deadline <= Date.now()) {
      // Nobody waits any more: after an outage, this skips the backlog instead of answering it.
      const type = this.registrations.get(`${address.value.type}@v${address.value.version}`)?.definition.type;
      this.options.metrics?.requestsAnswered.inc({ type: type ?? 'unknown', outcome: 'expired' });
      return undefined;
    }
    return address.value;
  }

  private async answer(requestTopic: string, message: KafkaMessage, address: RequestAddress): Promise<void> {
    const registration = this.registrations.get(`${address.type}@v${address.version}`);
    // Only registered types become label values: a stray producer must not grow the metric without bound.
    const type = registration?.definition.type ?? 'unknown';
    const replyTopic = registration?.replyTopic ?? this.replyTopicByRequestTopic.get(requestTopic) ?? '';
    const { body, outcome } = await this.reply(registration, message, address);
    try {
      await this.producer.send(replyTopic, { key: address.replyTo, value: body, headers: replyHeaders(address) });
      this.options.metrics?.requestsAnswered.inc({ type, outcome });
    } catch (error) {
      this.options.metrics?.requestsAnswered.inc({ type, outcome: 'reply-failed' });
      this.options.logger.warn(
        { ...errorDetails(error), correlationId: address.correlationId, replyTopic },
        'reply could not be sent; the requester will time out',
      );
    }
  }

  private async reply(
    registration: Registration | undefined,
    message: KafkaMessage,
    address: RequestAddress,
  ): Promise<{ body: string; outcome: string }> {
    const label = `${address.type}@v${address.version}`;
    if (!registration) {
      const answered = [...this.registrations.keys()].join(', ');
      return {
        body: encodeError('unsupported', `${label} is not answered here (only ${answered})`),
        outcome: 'unsupported',
      };
    }
    const { definition, handler } = registration;
    const request = parseRequest(definition, message.value);
    if (!request.ok) return { body: encodeError('invalid-request', request.reason), outcome: 'invalid-request' };
    const { correlationId, deadline } = address;
    try {
      const result = definition.result.safeParse(await handler(request.data, { correlationId, deadline }));
      if (result.success) return { body: encodeResult(result.data), outcome: 'ok' };
      this.options.logger.error(
        { request: label, correlationId, reason: describeIssues(result.error) },
        'request handler returned a result its contract refuses',
      );
    } catch (error) {
      if (error instanceof RequestHandlerError) {
        return { body: encodeError(error.code, error.message), outcome: error.code };
      }
      this.options.logger.error({ ...errorDetails(error), request: label, correlationId }, 'request handler failed');
    }
    // The details stay in this service's log: the requester learns only where to look.
    return {
      body: encodeError('internal', `${label} failed in the answering service (correlation id ${correlationId})`),
      outcome: 'internal',
    };
  }

  private async commit(): Promise<void> {
    if (this.committing) return this.committing;
    const tracker = this.tracker;
    const offsets = tracker.committable();
    if (offsets.length === 0) return;
    this.committing = this.consumer
      .commitOffsets(offsets)
      .then(() => {
        tracker.markCommitted(offsets);
      })
      .catch((error: unknown) => {
        // A rebalance in progress, or Kafka away: the next commit carries these offsets too.
        this.options.logger.debug({ ...errorDetails(error), group: this.options.groupId }, 'commit failed');
      })
      .finally(() => {
        this.committing = undefined;
      });
    return this.committing;
  }

  private async disconnect(): Promise<void> {
    this.joined = false;
    await this.consumer.disconnect().catch((error: unknown) => {
      this.options.logger.warn(
        { ...errorDetails(error), group: this.options.groupId },
        'request consumer did not disconnect',
      );
    });
    await this.producer.disconnect().catch((error: unknown) => {
      this.options.logger.warn(errorDetails(error), 'reply producer did not disconnect');
    });
  }
}

function parseRequest(
  definition: RequestDefinition,
  value: Buffer | null,
): { ok: true; data: unknown } | { ok: false; reason: string } {
  const label = requestLabel(definition);
  if (value === null) return { ok: false, reason: `${label} request has no body` };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: `${label} request body is not JSON` };
  }
  const parsed = definition.request.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `${label} request body invalid: ${describeIssues(parsed.error)}` };
  return { ok: true, data: parsed.data };
}
