import { type RequestDefinition, RequestHeaders, type ResultData, topicName } from '@tessera/contracts';
import { backoffDelay, sleep } from '@tessera/timing';
import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { z } from 'zod';
import { errorDetails, type MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../metrics';
import { type PendingRequest, PendingRequests } from './pending-requests';
import { decodeReply, describeIssues } from './reply-body';
import {
  InvalidRequestDataError,
  MalformedReplyError,
  RequestFailedError,
  requestLabel,
  RequestNotSentError,
  RequesterNotRunningError,
  TooManyPendingRequestsError,
} from './request-errors';
import { MAX_ROUTING_HEADER_LENGTH, parseReplyHeaders, requestHeaders } from './request-headers';
import { UnorderedProducer } from './unordered-producer';

export interface KafkaRequesterOptions {
  kafka: Kafka;
  topicPrefix: string;
  /** The requests this instance sends: it listens on their reply topics. */
  requests: readonly RequestDefinition[];
  /**
   * This instance's reply address (and consumer group, `tessera-replies-<instanceId>`). Unique per process: two
   * instances with one id would share a group and take each other's replies. Default: host name and random bytes.
   */
  instanceId?: string;
  logger: MessagingLogger;
  metrics?: MessagingMetrics;
  /** Requests waiting for a reply beyond which new ones are refused at once. */
  maxPending?: number;
}

export interface RequestOptions {
  /** How long to wait for the reply; also the request's deadline, after which a responder drops it unanswered. */
  timeoutMs: number;
}

type State = 'stopped' | 'starting' | 'running' | 'stopping';

/**
 * Asks over Kafka and waits for the answer. Requests go to the definition's request topic, keyed by the definition's
 * key; replies come back on a shared reply topic, keyed by the requester's instance id. Each instance reads that
 * topic in a consumer group of its own (so it sees every partition whatever other instances do) and takes only the
 * replies whose `tessera-reply-to` header is its id, matched by correlation id to the request waiting for it.
 * Nest's ClientKafka is not used: it routes replies by partition assignment, which rebalances reshuffle.
 */
export class KafkaRequester {
  readonly instanceId: string;
  private readonly instanceIdBytes: Buffer;
  private readonly groupId: string;
  private readonly consumer: Consumer;
  private readonly producer: UnorderedProducer;
  private readonly pending: PendingRequests;
  private readonly replyTopics: string[];
  /** Next offset to read per "topic:partition": fixed at start, then advanced by every batch read. */
  private readonly positions = new Map<string, string>();
  private state: State = 'stopped';
  private starting: Promise<void> | undefined;
  private joined = false;
  private crashed: string | undefined;
  private abortJoin: ((error: Error) => void) | undefined;
  private markJoined: () => void = () => undefined;

  constructor(private readonly options: KafkaRequesterOptions) {
    this.instanceId = options.instanceId ?? `${hostname().slice(0, 60)}-${randomBytes(6).toString('hex')}`;
    // Responders drop requests whose reply address they cannot use: refuse such an id here, not request by request.
    if (this.instanceId.length === 0 || this.instanceId.length > MAX_ROUTING_HEADER_LENGTH) {
      throw new RangeError(`instanceId must be 1 to ${MAX_ROUTING_HEADER_LENGTH} characters long`);
    }
    this.instanceIdBytes = Buffer.from(this.instanceId, 'utf8');
    this.groupId = `tessera-replies-${this.instanceId}`;
    this.replyTopics = [...new Set(options.requests.map((r) => topicName(r.replyTopic, options.topicPrefix)))];
    this.producer = new UnorderedProducer(options.kafka);
    this.pending = new PendingRequests({
      maxPending: options.maxPending ?? 10_000,
      onTimeout: (request) => {
        this.options.metrics?.requestsSent.inc({ type: request.definition.type, outcome: 'timeout' });
      },
    });
    this.consumer = options.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 3000,
      // A reply ends a fetch at once whatever this is; it bounds an idle fetch, and so how long stop() waits.
      maxWaitTimeInMs: 100,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      // Called synchronously from kafkajs' join, before the first fetch of the new generation: the seeks below
      // decide where that fetch reads. Without them a group with no committed offsets (ours never commits) asks
      // for the log end lazily, at its first fetch, and would skip a reply written between start() and then.
      for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
        for (const partition of partitions) {
          const offset = this.positions.get(`${topic}:${partition}`);
          if (offset !== undefined) this.consumer.seek({ topic, partition, offset });
        }
      }
      this.joined = true;
      this.markJoined();
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (event.payload.restart) return; // kafkajs restarts it by itself, and the join above seeks again
      this.crashed = event.payload.error.message;
      this.abortJoin?.(event.payload.error);
      this.options.logger.error(
        { ...errorDetails(event.payload.error), group: this.groupId },
        'reply consumer stopped; requests fail until the requester is restarted',
      );
      this.failPending(`crashed (its reply consumer stopped: ${event.payload.error.message})`);
    });
  }

  get name(): string {
    return `requester ${this.instanceId}`;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Joined and reading replies, producer connected. */
  isHealthy(): boolean {
    return this.state === 'running' && this.joined && this.crashed === undefined && this.producer.isConnected;
  }

  /** True once kafkajs gave up on the reply consumer: the service lifecycle then stops and starts it again. */
  needsRestart(): boolean {
    return this.crashed !== undefined;
  }

  /**
   * Connects the producer and joins the reply group, reading from the end of the reply topics as they were just
   * before joining. Resolves once a reply written after it resolves cannot be missed.
   */
  start(): Promise<void> {
    if (this.state !== 'stopped') return Promise.reject(new Error(`${this.name} is ${this.state}`));
    this.state = 'starting';
    this.crashed = undefined;
    this.starting = this.connectAndJoin().then(
      () => {
        this.state = 'running';
      },
      async (error: unknown) => {
        await this.disconnect();
        this.state = 'stopped';
        throw error;
      },
    );
    return this.starting;
  }

  /** Rejects every pending request, then leaves the group and disconnects. */
  async stop(): Promise<void> {
    if (this.state === 'starting') {
      this.abortJoin?.(new Error(`${this.name} was stopped while starting`));
      await this.starting?.catch(() => undefined);
    }
    if (this.state !== 'running') return;
    this.state = 'stopping';
    this.failPending('is stopping');
    await this.disconnect();
    this.state = 'stopped';
  }

  /**
   * Sends a request and resolves with the result of its reply. Rejects with InvalidRequestDataError (the data does
   * not fit the request's schema; nothing sent), RequestTimeoutError, RequestFailedError (the responder's error
   * code), MalformedReplyError, RequesterNotRunningError, TooManyPendingRequestsError or RequestNotSentError.
   */
  async request<Definition extends RequestDefinition>(
    definition: Definition,
    data: z.input<Definition['request']>,
    options: RequestOptions,
  ): Promise<ResultData<Definition>> {
    const label = requestLabel(definition);
    const replyTopic = topicName(definition.replyTopic, this.options.topicPrefix);
    if (!this.replyTopics.includes(replyTopic)) {
      throw new Error(`${label} replies on ${replyTopic}, which ${this.name} does not read: list it in its requests`);
    }
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive number of milliseconds, not ${options.timeoutMs}`);
    }
    const parsed = definition.request.safeParse(data);
    if (!parsed.success) throw new InvalidRequestDataError(label, describeIssues(parsed.error));
    const notRunning = this.notRunningReason();
    if (notRunning) throw new RequesterNotRunningError(label, notRunning);

    const correlationId = randomUUID();
    let reply: Promise<unknown>;
    try {
      reply = this.pending.add(correlationId, definition, options.timeoutMs);
    } catch (error) {
      if (error instanceof TooManyPendingRequestsError) {
        this.options.metrics?.requestsSent.inc({ type: definition.type, outcome: 'too-many-pending' });
      }
      throw error;
    }
    const headers = requestHeaders({
      correlationId,
      replyTo: this.instanceId,
      deadline: Date.now() + options.timeoutMs,
      type: definition.type,
      version: definition.version,
    });
    const message = { key: definition.key(parsed.data), value: JSON.stringify(parsed.data), headers };
    this.producer
      .send(topicName(definition.requestTopic, this.options.topicPrefix), message)
      .catch((error: unknown) => {
        // Unless the timeout or stop() came first: then the caller already has its answer.
        const request = this.pending.take(correlationId);
        if (!request) return;
        this.options.metrics?.requestsSent.inc({ type: definition.type, outcome: 'not-sent' });
        request.reject(new RequestNotSentError(label, error));
      });
    return (await reply) as ResultData<Definition>;
  }

  private async connectAndJoin(): Promise<void> {
    await this.fixStartPositions();
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.replyTopics, fromBeginning: false });
    const joined = new Promise<void>((resolve, reject) => {
      this.joined = false;
      this.markJoined = resolve;
      this.abortJoin = reject;
    });
    // A crash can end the wait while run() is still under way: handled here, so it is never an unhandled rejection.
    joined.catch(() => undefined);
    // kafkajs' run() resolves after the join, or after a failed join that it will retry by itself (a CRASH with
    // restart); waiting for the join event covers both, and a crash without restart or stop() ends the wait.
    await this.consumer.run({ autoCommit: false, eachBatch: (payload) => this.readReplies(payload) });
    try {
      await joined;
    } finally {
      this.markJoined = () => undefined;
      this.abortJoin = undefined;
    }
  }

  /** Where reading starts: the end of each reply partition now, before joining, so nothing after it is skipped. */
  private async fixStartPositions(): Promise<void> {
    this.positions.clear();
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      for (const topic of this.replyTopics) {
        for (const { partition, high } of await this.endOffsets(admin, topic)) {
          this.positions.set(`${topic}:${partition}`, high);
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** A topic just created (or a broker just restarted) has partitions without a leader for a moment: retry those. */
  private async endOffsets(admin: Admin, topic: string): Promise<{ partition: number; high: string }[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await admin.fetchTopicOffsets(topic);
      } catch (error) {
        const retriable = (error as { retriable?: unknown }).retriable === true;
        if (!retriable || attempt >= 8 || this.state !== 'starting') throw error;
        await sleep(backoffDelay(attempt, 100, 1000));
      }
    }
  }

  private readReplies({ batch }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) this.readReply(message);
    const last = batch.messages.at(-1);
    if (last) this.positions.set(`${batch.topic}:${batch.partition}`, (BigInt(last.offset) + 1n).toString());
    return Promise.resolve();
  }

  private readReply(message: KafkaMessage): void {
    // Every instance reads every reply: the header check comes first and costs no JSON parsing.
    if (!this.isAddressedHere(message.headers)) return;
    const address = parseReplyHeaders(message.headers);
    if (!address.ok) {
      this.options.logger.warn({ reason: address.reason, offset: message.offset }, 'reply with unusable headers');
      this.options.metrics?.repliesDropped.inc({ reason: 'unknown' });
      return;
    }
    const { correlationId } = address.value;
    const request = this.pending.take(correlationId);
    if (!request) {
      const reason = this.pending.classifyOrphan(correlationId);
      this.options.metrics?.repliesDropped.inc({ reason });
      this.options.logger.debug({ correlationId, reason }, 'reply nobody waits for; dropped');
      return;
    }
    this.settle(request, message.value);
  }

  private settle(request: PendingRequest, value: Buffer | null): void {
    const { definition } = request;
    const label = requestLabel(definition);
    const reply = decodeReply(definition, value);
    const metrics = this.options.metrics;
    switch (reply.kind) {
      case 'result':
        metrics?.requestDuration.observe({ type: definition.type }, (performance.now() - request.startedAt) / 1000);
        metrics?.requestsSent.inc({ type: definition.type, outcome: 'ok' });
        request.resolve(reply.result);
        return;
      case 'error':
        metrics?.requestDuration.observe({ type: definition.type }, (performance.now() - request.startedAt) / 1000);
        metrics?.requestsSent.inc({ type: definition.type, outcome: reply.error.code });
        request.reject(new RequestFailedError(label, reply.error));
        return;
      case 'malformed':
        metrics?.requestsSent.inc({ type: definition.type, outcome: 'malformed' });
        this.options.logger.warn({ request: label, reason: reply.reason }, 'malformed reply');
        request.reject(new MalformedReplyError(label, reply.reason));
        return;
    }
  }

  private isAddressedHere(headers: IHeaders | undefined): boolean {
    const replyTo = headers?.[RequestHeaders.replyTo];
    if (Buffer.isBuffer(replyTo)) return replyTo.equals(this.instanceIdBytes);
    return replyTo === this.instanceId;
  }

  /** Completes "the requester ...", or undefined while it runs. */
  private notRunningReason(): string | undefined {
    if (this.crashed !== undefined) return `crashed (its reply consumer stopped: ${this.crashed})`;
    switch (this.state) {
      case 'running':
        return undefined;
      case 'stopped':
        return 'is not started';
      case 'starting':
        return 'is still starting';
      case 'stopping':
        return 'is stopping';
    }
  }

  private failPending(reason: string): void {
    this.pending.rejectAll((request) => {
      this.options.metrics?.requestsSent.inc({ type: request.definition.type, outcome: 'stopped' });
      return new RequesterNotRunningError(requestLabel(request.definition), reason);
    });
  }

  private async disconnect(): Promise<void> {
    this.joined = false;
    await this.consumer.disconnect().catch((error: unknown) => {
      this.options.logger.warn({ ...errorDetails(error), group: this.groupId }, 'reply consumer did not disconnect');
    });
    await this.producer.disconnect().catch((error: unknown) => {
      this.options.logger.warn(errorDetails(error), 'request producer did not disconnect');
    });
  }
}
