import { backoffDelay, withDeadline } from '@tessera/timing';
import type { Pool, PoolClient } from 'pg';
import { errorDetails, type MessagingLogger } from '../logger';

/**
 * The relay's LISTEN connection: at most one at a time, reconnected with backoff when it is lost, its client
 * handed back to the pool exactly once (a broken one with its error, so the pool discards it). Notifications and
 * reconnections are reported to the relay, which drains on both (commits may have been missed while away).
 */
export class OutboxListener {
  private client: PoolClient | undefined;
  private releaseClient: ((error?: Error) => void) | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = true;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly logger: MessagingLogger,
    private readonly onNotify: () => void,
    private readonly onReconnect: () => void,
  ) {}

  get isListening(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  /** Connects unless connected or connecting; failures schedule one retry (never several). */
  connect(): Promise<void> {
    if (this.stopped || this.client) return Promise.resolve();
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await withDeadline(this.connecting ?? Promise.resolve(), 1000, undefined);
    const client = this.client;
    const release = this.releaseClient;
    this.client = undefined;
    this.releaseClient = undefined;
    if (client && release) {
      client.removeAllListeners('notification');
      const unlisten = await withDeadline(
        client.query(`UNLISTEN "${this.channel}"`).then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        ),
        500,
        new Error('UNLISTEN timed out'),
      );
      release(unlisten);
    }
  }

  private async open(): Promise<void> {
    let client: PoolClient | undefined;
    let released = false;
    const release = (error?: Error) => {
      if (released || !client) return;
      released = true;
      client.removeAllListeners('notification');
      client.removeAllListeners('error');
      // An idle pooled client must keep an error listener (the pool's own is only attached while idle, and
      // this client is discarded when released with an error anyway).
      client.on('error', () => undefined);
      client.release(error);
    };
    try {
      client = await this.pool.connect();
      const connected = client;
      connected.on('notification', () => {
        this.onNotify();
      });
      connected.on('error', (error) => {
        this.logger.warn(errorDetails(error), 'outbox relay lost its LISTEN connection; reconnecting');
        if (this.client === connected) {
          this.client = undefined;
          this.releaseClient = undefined;
        }
        release(error);
        this.retryLater();
      });
      await connected.query(`LISTEN "${this.channel}"`);
      if (this.stopped || this.client) {
        release(); // stopped meanwhile, or another connection won: keep one
        return;
      }
      const reconnected = this.failures > 0;
      this.client = connected;
      this.releaseClient = release;
      this.failures = 0;
      if (reconnected) this.onReconnect();
    } catch (error) {
      this.logger.warn(errorDetails(error), 'outbox relay could not LISTEN; polling until it can');
      release(error instanceof Error ? error : new Error(String(error)));
      this.retryLater();
    }
  }

  private retryLater(): void {
    if (this.stopped || this.retryTimer) return;
    this.failures += 1;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        void this.connect();
      },
      backoffDelay(this.failures, 100, 5000),
    );
    this.retryTimer.unref();
  }
}
