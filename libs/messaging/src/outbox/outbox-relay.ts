import type { Message, TopicMessages } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { ProducerConnection } from '../kafka/producer-connection';
import { errorDetails, type MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../metrics';
import { backoffDelay, sleep } from '@tessera/timing';
import { quoteIdentifier } from '../sql-executor';
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
  private listener: PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private failures = 0;
  private stopped = true;
  private shardCursor = 0;
  state: OutboxRelayState = 'stopped';
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
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.state = 'running';
    await this.listen();
    this.schedulePoll(0);
    this.purgeTimer = setInterval(() => void this.purge(), 60_000);
    this.purgeTimer.unref();
  }

  /** Stops waking, waits for the batch in flight to be published and marked, and releases connections. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.draining;
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      await listener.query(`UNLISTEN "${outboxChannel(this.options.schema)}"`).catch(() => undefined);
      listener.release();
    }
    this.state = 'stopped';
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
    const result = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.table} WHERE published_at IS NULL`,
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  private async listen(): Promise<void> {
    try {
      const client = await this.pool.connect();
      client.on('notification', () => {
        this.wake();
      });
      client.on('error', (error) => {
        this.logger.warn(
          errorDetails(error),
          'outbox relay lost its LISTEN connection; relying on polling until it is back',
        );
        if (this.listener === client) this.listener = undefined;
        client.release(error);
      });
      await client.query(`LISTEN "${outboxChannel(this.options.schema)}"`);
      this.listener = client;
    } catch (error) {
      this.logger.warn(errorDetails(error), 'outbox relay could not LISTEN; polling only for now');
    }
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.listener) void this.listen();
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
      try {
        while (!this.stopped && (await this.drainPendingShards()) > 0) {
          // keep going while rows remain
        }
        if (this.failures > 0) this.logger.info({ schema: this.options.schema }, 'outbox relay is publishing again');
        this.failures = 0;
        this.state = 'running';
        this.lastError = undefined;
      } catch (error) {
        this.failures += 1;
        this.state = 'failing';
        this.lastError = error instanceof Error ? error.message : String(error);
        this.metrics?.publishFailures.inc({ schema: this.options.schema });
        this.logger.warn(
          { ...errorDetails(error), schema: this.options.schema, consecutiveFailures: this.failures },
          'outbox relay could not publish; the events stay in the outbox and will be retried',
        );
        // The poll timer backs off; a fresh commit still wakes us, which is when Kafka is most likely back.
        await sleep(Math.min(backoffDelay(this.failures), 1000));
        return;
      }
    } while (this.takeDrainRequest());
  }

  /** True (once) if a wake arrived while draining. */
  private takeDrainRequest(): boolean {
    const again = this.drainAgain && !this.stopped;
    this.drainAgain = false;
    return again;
  }

  /** One pass over the shards that have pending rows; returns how many rows were published. */
  private async drainPendingShards(): Promise<number> {
    const pending = await this.pool.query<{ shard: number }>(
      `SELECT DISTINCT shard FROM ${this.table} WHERE published_at IS NULL`,
    );
    if (pending.rows.length === 0) return 0;
    const shards = pending.rows.map((r) => r.shard).sort((a, b) => a - b);
    // Rotate the starting shard so relays that start together spread over different shards.
    this.shardCursor = (this.shardCursor + 1) % OUTBOX_SHARDS;
    const ordered = [...shards.filter((s) => s >= this.shardCursor), ...shards.filter((s) => s < this.shardCursor)];
    let published = 0;
    for (const shard of ordered) {
      if (this.stopped) break;
      published += await this.drainShard(shard);
    }
    return published;
  }

  private async drainShard(shard: number): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
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
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
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
