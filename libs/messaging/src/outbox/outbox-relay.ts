import { backoffDelay, sleep, withDeadline } from '@tessera/timing';
import type { Message, TopicMessages } from 'kafkajs';
import type { Pool } from 'pg';
import type { ProducerConnection } from '../kafka/producer-connection';
import { errorDetails, type MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../metrics';
import { quoteIdentifier } from '../quote-identifier';
import { OutboxListener } from './outbox-listener';
import { lockKey, outboxChannel, OUTBOX_SHARDS } from './outbox-shard';

export interface OutboxRelayOptions {
  schema: string;
  /** Safety net for a lost notification and the retry cadence while Kafka is away. */
  pollIntervalMs: number;
  batchSize: number;
  /** Published rows are kept this long (for inspection), then deleted. */
  retentionHours: number;
}

interface OutboxRow {
  seq: string;
  topic: string;
  message_key: string;
  payload: unknown;
  headers: Record<string, string>;
  created_at: Date;
}

export type OutboxRelayState = 'stopped' | 'running' | 'failing';

export interface OutboxBacklog {
  /** Rows committed and not yet published. */
  pending: number;
  /** Age of the oldest of them, 0 when there are none. */
  oldestSeconds: number;
  /** Most publish attempts any of them has had: a row that keeps failing stands out here. */
  maxAttempts: number;
}

/**
 * Publishes committed outbox rows to Kafka, in sequence order per shard (hence per key), and marks them published.
 * Several relays (one per service instance) share the work: a relay holds a shard through a transaction-scoped
 * advisory lock while it publishes, so no row goes out twice concurrently and no key goes out of order.
 * Delivery is at least once (a crash between Kafka's ack and the commit republishes a batch); consumers are
 * idempotent by event id. It wakes on NOTIFY from the writer and also polls, since NOTIFY is not durable.
 */
export class OutboxRelay {
  private readonly table: string;
  private readonly shardLockNamespace: number;
  private readonly listener: OutboxListener;
  private timer: NodeJS.Timeout | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private failures = 0;
  private stopped = true;
  private shardCursor = 0;
  state: OutboxRelayState = 'stopped';
  /** Why the last publish failed, while the relay is failing. */
  lastError: string | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly producer: ProducerConnection,
    private readonly options: OutboxRelayOptions,
    private readonly logger: MessagingLogger,
    private readonly metrics?: MessagingMetrics,
  ) {
    this.table = `${quoteIdentifier(options.schema)}.outbox_event`;
    this.shardLockNamespace = lockKey(`tessera-outbox-shard:${options.schema}`);
    this.listener = new OutboxListener(
      pool,
      outboxChannel(options.schema),
      logger,
      () => {
        this.wake();
      },
      () => {
        this.wake();
      },
    );
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.state = 'running';
    await this.listener.start();
    if (this.isStopped()) return; // stop() was called while we connected
    this.schedulePoll(0);
    this.purgeTimer = setInterval(() => void this.purge(), 60_000);
    this.purgeTimer.unref();
  }

  /**
   * Stops waking and waits (up to `deadlineMs`) for the batch in flight: it is then published and marked, or
   * rolled back to be published later; both are safe. Releases the LISTEN connection.
   */
  async stop(deadlineMs = 5000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await withDeadline(this.draining ?? Promise.resolve(), deadlineMs, undefined);
    await this.listener.stop();
    this.state = 'stopped';
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  /** Runs a drain now; if one is running, runs another right after it (the commit may have missed it). */
  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.drainLoop().finally(() => {
      this.draining = undefined;
    });
  }

  /** Rows not yet published, for metrics and health. */
  async pendingCount(): Promise<number> {
    return (await this.backlog()).pending;
  }

  /** What waits in the outbox: how many rows, how old the oldest, how often the worst was tried. */
  async backlog(): Promise<OutboxBacklog> {
    const result = await this.pool.query<{ pending: string; oldest: number | null; attempts: number | null }>(
      `SELECT count(*) AS pending, extract(epoch FROM now() - min(created_at))::float8 AS oldest,
              max(attempts) AS attempts
       FROM ${this.table} WHERE published_at IS NULL`,
    );
    const row = result.rows[0];
    return { pending: Number(row?.pending ?? 0), oldestSeconds: row?.oldest ?? 0, maxAttempts: row?.attempts ?? 0 };
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.listener.connect();
      this.wake();
      this.schedulePoll(
        this.failures > 0
          ? backoffDelay(this.failures, this.options.pollIntervalMs, 30_000)
          : this.options.pollIntervalMs,
      );
    }, delayMs);
    this.timer.unref();
  }

  private async drainLoop(): Promise<void> {
    do {
      let failure: Error | undefined;
      try {
        for (;;) {
          if (this.stopped) break;
          const pass = await this.drainPendingShards();
          failure = pass.failure;
          // Keep going while anything moves; a failing shard must not hold back the healthy ones.
          if (pass.published === 0) break;
        }
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
      if (failure) {
        await this.recordRelayFailure(failure);
        return;
      }
      if (this.failures > 0) this.logger.info({ schema: this.options.schema }, 'outbox relay is publishing again');
      this.failures = 0;
      this.state = this.stopped ? 'stopped' : 'running';
      this.lastError = undefined;
    } while (this.takeDrainRequest());
  }

  private async recordRelayFailure(failure: Error): Promise<void> {
    this.failures += 1;
    this.state = 'failing';
    this.lastError = failure.message;
    this.metrics?.publishFailures.inc({ schema: this.options.schema });
    this.logger.warn(
      { ...errorDetails(failure), schema: this.options.schema, consecutiveFailures: this.failures },
      'outbox relay could not publish; the events stay in the outbox and will be retried',
    );
    // The poll timer backs off; a fresh commit still wakes us, which is when Kafka is most likely back.
    await sleep(Math.min(backoffDelay(this.failures), 1000));
  }

  /** True (once) if a wake arrived while draining. */
  private takeDrainRequest(): boolean {
    const again = this.drainAgain && !this.stopped;
    this.drainAgain = false;
    return again;
  }

  /**
   * One pass over the shards that have pending rows: how many rows went out, and the first failure. A shard
   * that fails does not hold back the others, unless Kafka itself is unreachable, which ends the pass at once
   * (every shard would wait out the same timeouts).
   */
  private async drainPendingShards(): Promise<{ published: number; failure?: Error }> {
    const pending = await this.pool.query<{ shard: number }>(
      `SELECT DISTINCT shard FROM ${this.table} WHERE published_at IS NULL`,
    );
    if (pending.rows.length === 0) return { published: 0 };
    await this.producer.ensureConnected();
    const shards = pending.rows.map((r) => r.shard).sort((a, b) => a - b);
    // Rotate the starting shard so relays that start together spread over different shards.
    this.shardCursor = (this.shardCursor + 1) % OUTBOX_SHARDS;
    const ordered = [...shards.filter((s) => s >= this.shardCursor), ...shards.filter((s) => s < this.shardCursor)];
    let published = 0;
    let failure: Error | undefined;
    for (const shard of ordered) {
      if (this.stopped) break;
      try {
        published += await this.drainShard(shard);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        if (isKafkaUnreachable(error)) break;
      }
    }
    return { published, failure };
  }

  private async drainShard(shard: number): Promise<number> {
    const client = await this.pool.connect();
    // While checked out, a client's connection error has no listener in the pool: without ours it would be an
    // unhandled 'error' event and take the process down (Postgres restart, failover, killed session).
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      // Publishing happens inside this transaction: a server-wide idle-in-transaction timeout must not cut it.
      await client.query('BEGIN; SET LOCAL idle_in_transaction_session_timeout = 0');
      const lock = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1::int, $2::int) AS locked',
        [this.shardLockNamespace, shard],
      );
      if (!lock.rows[0]?.locked) {
        await client.query('ROLLBACK');
        return 0; // another relay holds this shard right now
      }
      const { rows } = await client.query<OutboxRow>(
        `SELECT seq, topic, message_key, payload, headers, created_at FROM ${this.table}
         WHERE published_at IS NULL AND shard = $1 ORDER BY seq LIMIT $2`,
        [shard, this.options.batchSize],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      try {
        await this.publish(rows);
      } catch (error) {
        await client.query('ROLLBACK');
        await this.recordFailure(rows, error);
        throw error;
      }
      await client.query(`UPDATE ${this.table} SET published_at = now() WHERE seq = ANY($1::bigint[])`, [
        rows.map((r) => r.seq),
      ]);
      await client.query('COMMIT');
      const now = Date.now();
      for (const row of rows) {
        this.metrics?.published.inc({ topic: row.topic });
        this.metrics?.relayLatency.observe({ schema: this.options.schema }, (now - row.created_at.getTime()) / 1000);
      }
      return rows.length;
    } catch (error) {
      if (!broken) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  private async publish(rows: OutboxRow[]): Promise<void> {
    // Group by topic, keeping sequence order inside each topic (a key always maps to one topic).
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      const messages = byTopic.get(row.topic) ?? [];
      messages.push({
        key: row.message_key,
        value: row.payload === null ? null : JSON.stringify(row.payload),
        headers: row.headers,
      });
      byTopic.set(row.topic, messages);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const producer = await this.producer.ensureConnected();
    await producer.sendBatch({ topicMessages, acks: -1 });
  }

  private async recordFailure(rows: OutboxRow[], error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.pool
      .query(`UPDATE ${this.table} SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])`, [
        rows.map((r) => r.seq),
        message.slice(0, 500),
      ])
      .catch(() => undefined);
  }

  private async purge(): Promise<void> {
    try {
      await this.pool.query(`DELETE FROM ${this.table} WHERE published_at < now() - make_interval(hours => $1)`, [
        this.options.retentionHours,
      ]);
    } catch (error) {
      this.logger.warn(errorDetails(error), 'outbox purge failed; will try again');
    }
  }
}

/** kafkajs errors that mean the cluster (not one record or topic) cannot be reached. */
function isKafkaUnreachable(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return /Connection|RequestTimeout|NumberOfRetriesExceeded|BrokerNotFound|Disconnected/.test(name);
}
