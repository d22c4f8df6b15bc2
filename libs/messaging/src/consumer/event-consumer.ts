import {
  type EventCatalog,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
  type TopicDefinition,
  topicName,
} from '@tessera/contracts';
import { backoffDelay, sleep } from '@tessera/timing';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { errorDetails, type MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../metrics';
import type { DeadLetterPublisher } from './dead-letter-publisher';
import {
  deleteGroup,
  forgetCommittedOffsets,
  GROUP_ID_NOT_FOUND,
  ViewGroupInUseError,
} from './forget-committed-offsets';
import { PermanentEventError } from './permanent-event-error';
import type { ProcessedEvents } from './processed-events';

export type EventHandler<Definition extends EventDefinition, Tx> = (
  event: EventEnvelope<EventData<Definition>>,
  tx: Tx,
) => Promise<void>;

export type TombstoneHandler = (tombstone: { topic: TopicDefinition; key: string }) => Promise<void>;

export interface EventConsumerOptions<Tx> {
  kafka: Kafka;
  /** A verifier node uses a group of its own, so that it sees every event. */
  groupId: string;
  topics: readonly TopicDefinition[];
  topicPrefix: string;
  /** Only applies to a group without committed offsets (kafkajs has no manual assignment). */
  fromBeginning: boolean;
  catalog: EventCatalog;
  processedEvents: ProcessedEvents<Tx>;
  deadLetters: DeadLetterPublisher;
  logger: MessagingLogger;
  metrics?: MessagingMetrics;
  sessionTimeoutMs?: number;
  /** How much one fetch brings per partition (kafkajs' default: 1 MiB). */
  maxBytesPerPartition?: number;
  /**
   * An in-memory view's consumer, whose group belongs to this process alone. It must be assigned every partition
   * (another member means another process with the same group: refused, never ready), and `shutdown()` deletes the
   * group (Kafka would keep it for a week). `reused`: the group id comes from a configured node id, so a previous
   * process's offsets may be there; the first start deletes the group, so the empty view is read from the log start
   * instead of resumed at the end. `new`: a random id, nothing to delete (and no Kafka DELETE permission needed to
   * start). A restart within the process keeps the offsets: the view it feeds is still held.
   */
  groupPerProcess?: 'new' | 'reused';
}

/** One partition's log start (`low`) and end (`high`, the next offset to be written), full topic name. */
export interface PartitionEnds {
  topic: string;
  partition: number;
  low: string;
  high: string;
}

/** How often, at most, a long batch resolves what it handled, heartbeats and lets kafkajs commit. */
const KEEP_ALIVE_MS = 500;

type ConsumedOutcome = 'applied' | 'duplicate' | 'ignored' | 'tombstone';

/** Where a message came from, and what its batch has to do while handling it. */
interface MessageSource {
  topic: string;
  partition: number;
  definition: TopicDefinition;
  labels: { topic: string; group: string };
  heartbeat: () => Promise<void>;
  /** Counted here and added to the metric once per batch: a labelled counter costs more than handling an event. */
  outcomes: Map<ConsumedOutcome, number>;
}

class ConsumerStopping extends Error {
  constructor() {
    super('consumer is stopping; the message will be redelivered');
  }
}

/**
 * Consumes Tessera events: checks every message against the contracts, sends what fails to the dead-letter topic
 * and goes on, applies each event at most once (by event id), and retries a failing handler (a database that is
 * restarting) without skipping, since state topics must be applied in order. `caughtUp` resolves once everything
 * that was in the assigned partitions when the consumer joined has been handled.
 */
export class EventConsumer<Tx> {
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly handlers = new Map<string, EventHandler<EventDefinition, Tx>>();
  private readonly tombstoneHandlers = new Map<string, TombstoneHandler>();
  private readonly topicsByName = new Map<string, TopicDefinition>();
  /** Next offset to reach per "topic:partition" before the consumer counts as caught up. */
  private readonly catchUpTargets = new Map<string, bigint>();
  /** Next offset to handle per "topic:partition", as far as this consumer got. */
  private readonly positions = new Map<string, bigint>();
  private stopping = false;
  private joinGeneration = 0;
  private running = false;
  private startedBefore = false;
  /** Set when kafkajs gave up on the consumer: it consumes nothing more until the service restarts. */
  private crashed: string | undefined;
  private markCaughtUp: () => void = () => undefined;
  readonly caughtUp: Promise<void>;
  isCaughtUp = false;

  constructor(private readonly options: EventConsumerOptions<Tx>) {
    for (const topic of options.topics) this.topicsByName.set(topicName(topic, options.topicPrefix), topic);
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
      maxWaitTimeInMs: 500,
      ...(options.maxBytesPerPartition === undefined ? {} : { maxBytesPerPartition: options.maxBytesPerPartition }),
    });
    this.admin = options.kafka.admin();
    this.caughtUp = new Promise((resolve) => {
      this.markCaughtUp = resolve;
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.joinGeneration += 1;
      void this.trackCatchUp(event.payload.memberAssignment, this.joinGeneration);
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (event.payload.restart) return; // kafkajs restarts it by itself
      this.crashed = event.payload.error.message;
      this.running = false;
      this.options.logger.error(
        { ...errorDetails(event.payload.error), group: options.groupId },
        'kafka consumer stopped; the service is not ready until the consumer is restarted',
      );
    });
  }

  /** The name a service's lifecycle and readiness know this consumer by. */
  get name(): string {
    return `consumer ${this.options.groupId}`;
  }

  /** Running, not crashed, and caught up with what was there when it joined. */
  isHealthy(): boolean {
    return this.running && this.crashed === undefined && this.isCaughtUp;
  }

  on<Definition extends EventDefinition>(definition: Definition, handler: EventHandler<Definition, Tx>): this {
    if (!this.options.topics.includes(definition.topic)) {
      throw new Error(
        `${definition.type}@v${definition.version} is published on ${definition.topic.name}, which this consumer does not read`,
      );
    }
    this.handlers.set(`${definition.type}@v${definition.version}`, handler);
    return this;
  }

  onTombstone(topic: TopicDefinition, handler: TombstoneHandler): this {
    this.tombstoneHandlers.set(topic.name, handler);
    return this;
  }

  /**
   * How many messages of `ends` (partitions' log start and end offsets, as an admin read them) this consumer has not
   * handled yet: 0 means it had everything that was there when `ends` was read. A partition it never got a message
   * from counts from its log start.
   */
  lagBehind(ends: readonly PartitionEnds[]): number {
    let lag = 0n;
    for (const end of ends) {
      const high = BigInt(end.high);
      const position = this.positions.get(`${end.topic}:${end.partition}`) ?? BigInt(end.low);
      if (position < high) lag += high - position;
    }
    return Number(lag);
  }

  /** True once kafkajs gave up on this consumer: the service lifecycle then stops and starts it again. */
  needsRestart(): boolean {
    return this.crashed !== undefined;
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.crashed = undefined;
    await this.admin.connect();
    if (this.options.groupPerProcess === 'reused' && !this.startedBefore) {
      // A crashed previous process's member is gone after its session timeout; wait that long, and a little more.
      const waitMs = (this.options.sessionTimeoutMs ?? 30_000) + 5000;
      await forgetCommittedOffsets(this.admin, this.options.groupId, {
        waitMs,
        logger: this.options.logger,
        abandon: () => this.isStopping(),
      });
      if (this.isStopping()) return;
    }
    this.startedBefore = true;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.topicsByName.keys()], fromBeginning: this.options.fromBeginning });
    // stop() called while connecting: do not join the group after all.
    if (this.isStopping()) return;
    await this.consumer.run({
      autoCommit: true,
      // A batch at a time, its offsets resolved here as far as it got, so stopping mid-batch redelivers the rest.
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.running = true;
  }

  /** Lets the message in flight finish (or abandons its retries, uncommitted), then leaves the group. */
  async stop(): Promise<void> {
    await this.leave({ deleteOwnGroup: false });
  }

  /** The last stop, at the service's shutdown: as stop(), and a group of this process alone is deleted. */
  async shutdown(): Promise<void> {
    await this.leave({ deleteOwnGroup: this.options.groupPerProcess !== undefined && this.startedBefore });
  }

  private async leave({ deleteOwnGroup }: { deleteOwnGroup: boolean }): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
    if (deleteOwnGroup) {
      // Best effort: a group left behind costs only Kafka's bookkeeping until its offsets retention.
      const outcome = await deleteGroup(this.admin, this.options.groupId).catch((error: unknown) => error);
      if (outcome !== undefined && outcome !== GROUP_ID_NOT_FOUND) {
        this.options.logger.warn(
          {
            group: this.options.groupId,
            ...(typeof outcome === 'number' ? { code: outcome } : errorDetails(outcome)),
          },
          'could not delete the view group at shutdown; Kafka forgets it after its offsets retention',
        );
      }
    }
    await this.admin.disconnect();
    this.running = false;
  }

  /**
   * Handles a batch's messages in order, as long as the consumer runs and the batch is not stale. What
   * was handled is resolved (and the position advanced) at the end, and every KEEP_ALIVE_MS on the way, with a
   * heartbeat and kafkajs' periodic commit, as it would after each message.
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition } = payload.batch;
    const definition = this.topicsByName.get(topic);
    if (!definition) return;
    const source: MessageSource = {
      topic,
      partition,
      definition,
      labels: { topic, group: this.options.groupId },
      heartbeat: () => payload.heartbeat(),
      outcomes: new Map(),
    };
    let handled: string | undefined;
    const settle = () => {
      if (handled !== undefined) {
        payload.resolveOffset(handled);
        this.advance(topic, partition, BigInt(handled) + 1n);
      }
      for (const [outcome, count] of source.outcomes) {
        this.options.metrics?.consumed.inc({ ...source.labels, outcome }, count);
      }
      source.outcomes.clear();
    };
    let keepAliveAt = Date.now() + KEEP_ALIVE_MS;
    // Only a seek makes a batch stale, and this consumer's kafkajs consumer is its own and never seeks: asked at the
    // start and at each keep-alive, not per message (kafkajs builds a JSON key each time).
    if (payload.isStale()) return;
    try {
      for (const message of payload.batch.messages) {
        if (!payload.isRunning()) break;
        await this.handleMessage(source, message);
        handled = message.offset;
        if (Date.now() >= keepAliveAt) {
          settle();
          await payload.heartbeat();
          await payload.commitOffsetsIfNecessary();
          if (payload.isStale()) break;
          keepAliveAt = Date.now() + KEEP_ALIVE_MS;
        }
      }
    } finally {
      settle();
    }
  }

  private async handleMessage(source: MessageSource, message: KafkaMessage): Promise<void> {
    const { topic, partition, definition, labels, heartbeat } = source;
    const group = this.options.groupId;
    if (message.value === null) {
      const handler = this.tombstoneHandlers.get(definition.name);
      const key = message.key?.toString('utf8');
      try {
        if (handler && key) await this.retrying(labels, heartbeat, () => handler({ topic: definition, key }));
        count(source, 'tombstone');
      } catch (error) {
        if (!(error instanceof PermanentEventError)) throw error;
        await this.deadLetter(
          { topic, partition, message, heartbeat },
          `handler refused the tombstone: ${error.message}`,
        );
      }
    } else {
      const parsed = this.options.catalog.parse(message.value);
      if (!parsed.ok) {
        await this.deadLetter({ topic, partition, message, heartbeat }, parsed.reason);
      } else {
        const handler = this.handlers.get(`${parsed.envelope.type}@v${parsed.envelope.version}`);
        if (!handler) {
          count(source, 'ignored');
        } else {
          const envelope = parsed.envelope;
          try {
            const outcome = await this.retrying(labels, heartbeat, () =>
              this.options.processedEvents.runOnce(group, envelope.id, (tx) => handler(envelope, tx)),
            );
            count(source, outcome);
          } catch (error) {
            if (!(error instanceof PermanentEventError)) throw error;
            await this.deadLetter(
              { topic, partition, message, heartbeat },
              `handler refused the event: ${error.message}`,
            );
          }
        }
      }
    }
  }

  private async deadLetter(
    payload: { topic: string; partition: number; message: KafkaMessage; heartbeat: () => Promise<void> },
    reason: string,
  ) {
    const { topic, partition, message, heartbeat } = payload;
    const labels = { topic, group: this.options.groupId };
    this.options.logger.warn(
      { topic, partition, offset: message.offset, reason, deadLetterTopic: this.options.deadLetters.topic },
      'event refused; sent to the dead-letter topic',
    );
    await this.retrying(labels, heartbeat, () =>
      this.options.deadLetters.publish({
        sourceTopic: topic,
        partition,
        message,
        consumerGroup: this.options.groupId,
        reason,
      }),
    );
    this.options.metrics?.deadLettered.inc(labels);
    this.options.metrics?.consumed.inc({ ...labels, outcome: 'dead-lettered' });
  }

  /** Retries transient failures until they pass or the consumer stops; a PermanentEventError passes through. */
  private async retrying<T>(
    labels: { topic: string; group: string },
    heartbeat: () => Promise<void>,
    work: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopping && attempt > 0) throw new ConsumerStopping();
      try {
        return await work();
      } catch (error) {
        if (error instanceof PermanentEventError) throw error;
        this.options.metrics?.handlerFailures.inc(labels);
        this.options.logger.warn({ ...errorDetails(error), ...labels, attempt }, 'event handling failed; retrying');
        await this.pause(backoffDelay(attempt));
        await heartbeat().catch(() => undefined);
      }
    }
  }

  /** Works out the catch-up targets after a (re)join, retrying while the offsets cannot be read. */
  private async trackCatchUp(assignment: Record<string, number[]>, generation: number): Promise<void> {
    // A newer join supersedes this one: its assignment is the one that counts.
    for (let attempt = 0; !this.stopping && generation === this.joinGeneration; attempt++) {
      try {
        if (this.options.groupPerProcess !== undefined && !(await this.holdsEveryPartition(assignment, generation))) {
          return;
        }
        await this.computeCatchUpTargets(assignment, generation);
        return;
      } catch (error) {
        this.options.logger.warn(
          { ...errorDetails(error), attempt },
          'could not read partition offsets to track catch-up',
        );
        await this.pause(backoffDelay(attempt, 250, 5000));
      }
    }
  }

  /**
   * A view's group has this process as its only member, so it is assigned every partition. Fewer means another
   * member (two processes started with one node id at once): each would hold part of a view and think it whole, so
   * this consumer gives up (never ready; its restart waits for the group to empty, or refuses).
   */
  private async holdsEveryPartition(assignment: Record<string, number[]>, generation: number): Promise<boolean> {
    for (const topic of this.topicsByName.keys()) {
      const partitions = await this.admin.fetchTopicOffsets(topic);
      const assigned = assignment[topic]?.length ?? 0;
      if (generation !== this.joinGeneration || assigned >= partitions.length) continue;
      const error = new ViewGroupInUseError(
        this.options.groupId,
        `has another member: this process was assigned ${assigned} of ${topic}'s ${partitions.length} partitions`,
      );
      this.crashed = error.message;
      this.running = false;
      this.options.logger.error({ ...errorDetails(error), group: this.options.groupId }, 'view consumer gave up');
      return false;
    }
    return true;
  }

  private isStopping(): boolean {
    return this.stopping;
  }

  /** Sleeps, but wakes early when the consumer is stopping, so stop() is not held up by a backoff. */
  private async pause(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) await sleep(Math.min(100, until - Date.now()));
  }

  private async computeCatchUpTargets(assignment: Record<string, number[]>, generation: number): Promise<void> {
    // Built aside and swapped in whole: a partition reaching its target meanwhile must not make an incomplete
    // set of targets look finished.
    const targets = new Map<string, bigint>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const [ends, committed] = await Promise.all([
        this.admin.fetchTopicOffsets(topic),
        this.admin.fetchOffsets({ groupId: this.options.groupId, topics: [topic] }),
      ]);
      for (const partition of partitions) {
        const end = ends.find((e) => e.partition === partition);
        if (!end) continue;
        const high = BigInt(end.high);
        const done = BigInt(committed[0]?.partitions.find((p) => p.partition === partition)?.offset ?? '-1');
        // Without a committed offset the consumer starts at the log start (fromBeginning) or at its end.
        const position = done >= 0n ? done : this.options.fromBeginning ? BigInt(end.low) : high;
        if (position < high) targets.set(`${topic}:${partition}`, high);
      }
    }
    if (generation !== this.joinGeneration) return; // a newer join owns the targets now
    // Messages handled while the offsets were being read count too.
    this.catchUpTargets.clear();
    for (const [id, target] of targets) {
      if ((this.positions.get(id) ?? -1n) < target) this.catchUpTargets.set(id, target);
    }
    this.checkCaughtUp();
  }

  private advance(topic: string, partition: number, next: bigint): void {
    const id = `${topic}:${partition}`;
    this.positions.set(id, next);
    const target = this.catchUpTargets.get(id);
    if (target !== undefined && next >= target) {
      this.catchUpTargets.delete(id);
      this.checkCaughtUp();
    }
  }

  private checkCaughtUp(): void {
    if (!this.isCaughtUp && this.catchUpTargets.size === 0) {
      this.isCaughtUp = true;
      this.markCaughtUp();
    }
  }
}

function count(source: MessageSource, outcome: ConsumedOutcome): void {
  source.outcomes.set(outcome, (source.outcomes.get(outcome) ?? 0) + 1);
}
