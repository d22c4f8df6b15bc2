import { type OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import type { BackgroundWorker } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { publishApiKeys } from './publish-api-key';

/** Keys published per transaction: a large table goes out in several, none of them long. */
const BATCH_SIZE = 500;

/**
 * Publishes `api-key.upserted` once for every key that never had one (keys made before keys were published), so
 * that every key reaches the registry topic. Idempotent: a published key has `published_at`, and every change to a
 * key publishes it anyway, so after the first run this finds nothing. Instances starting together take turns on a
 * lock, and a key being revoked meanwhile is waited for (row lock) and then skipped, as its revocation published it.
 */
export async function republishUnpublishedApiKeys(
  dataSource: DataSource,
  outbox: OutboxWriter,
  schema: string,
  batchSize = BATCH_SIZE,
): Promise<number> {
  let published = 0;
  for (;;) {
    const batch = await dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tessera-republish-api-keys:${schema}`]);
      const rows = await tx.query<{ id: string }[]>(
        `SELECT id FROM ${quoteIdentifier(schema)}.api_key WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE`,
        [batchSize],
      );
      return publishApiKeys(
        tx,
        outbox,
        schema,
        rows.map((r) => r.id),
      );
    });
    published += batch.length;
    if (batch.length < batchSize) return published;
  }
}

/** Runs republishUnpublishedApiKeys once the schema is migrated (retried by the lifecycle until it succeeds). */
export class RepublishApiKeysWorker implements BackgroundWorker {
  readonly name = 'republish-api-keys';
  private done = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly schema: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.done) return;
    const published = await republishUnpublishedApiKeys(this.dataSource, this.outbox, this.schema);
    if (published > 0) this.logger.info({ keys: published }, 'published api-key.upserted for keys that had none');
    this.done = true;
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  isHealthy(): boolean {
    return this.done;
  }
}
