import { redactUrl } from '@tessera/config';
import { backoffDelay, sleep, withDeadline } from '@tessera/timing';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { migrateSchema } from './schema-migrator';

export interface DatabaseConnectionLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * Connects a service to Postgres in the background and keeps trying: the service boots, answers liveness, and
 * reports ready only once the database answers and its schema is migrated. Also owns a small pg pool for the
 * outbox relay, whose LISTEN connection must not come from TypeORM's pool.
 */
export class DatabaseConnection {
  readonly relayPool: Pool;
  private migrated = false;
  /** The server, for log lines: the URL without its password. */
  private readonly server: string;
  private stopped = false;
  private connecting: Promise<void> | undefined;
  private markReady: () => void = () => undefined;
  readonly ready: Promise<void>;

  constructor(
    readonly dataSource: DataSource,
    private readonly schema: string,
    url: string,
    applicationName: string,
    private readonly logger: DatabaseConnectionLogger,
  ) {
    this.server = redactUrl(url);
    this.relayPool = new Pool({
      connectionString: url,
      max: 3,
      application_name: `${applicationName}-outbox`,
      connectionTimeoutMillis: 5000,
    });
    // An idle client's error (the server restarted) must not crash the process; the pool replaces the client.
    this.relayPool.on('error', (error) => {
      this.logger.warn({ err: { message: error.message } }, 'idle outbox connection lost');
    });
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
  }

  get isMigrated(): boolean {
    return this.migrated;
  }

  /** Starts connecting; resolves at once. Await `ready` to know when the schema is usable. */
  start(): void {
    this.connecting ??= this.connectUntilReady();
  }

  /** True when the database answers a query within the timeout. */
  async ping(timeoutMs = 1500): Promise<boolean> {
    if (!this.dataSource.isInitialized || !this.migrated) return false;
    try {
      return await withDeadline(
        this.dataSource.query('SELECT 1').then(() => true),
        timeoutMs,
        false,
      );
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // A connect still retrying against an absent server is abandoned, not waited for.
    await withDeadline(this.connecting ?? Promise.resolve(), 1000, undefined);
    // Bounded: a pool whose server went away can wait long for its clients.
    await withDeadline(this.relayPool.end(), 5000, undefined);
    if (this.dataSource.isInitialized) await withDeadline(this.dataSource.destroy(), 5000, undefined);
  }

  private async connectUntilReady(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        if (!this.dataSource.isInitialized) await this.dataSource.initialize();
        const ran = await migrateSchema(this.dataSource, this.schema);
        this.migrated = true;
        this.logger.info({ schema: this.schema, migrationsRun: ran }, 'database ready');
        this.markReady();
        return;
      } catch (error) {
        const delay = backoffDelay(attempt, 250, 5000);
        this.logger.warn(
          {
            err: { message: error instanceof Error ? error.message : String(error) },
            server: this.server,
            attempt,
            retryInMs: delay,
          },
          'database not reachable yet; retrying',
        );
        await sleep(delay);
      }
    }
  }
}
