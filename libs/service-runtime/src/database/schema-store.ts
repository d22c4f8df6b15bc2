import type { DatabaseServiceConfig } from '@tessera/config';
import { quoteIdentifier } from '@tessera/database';
import type { OutboxWriter } from '@tessera/messaging';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * A stateful service's database as its use cases see it: its schema's tables (as SQL text), its outbox, and
 * transactions. Each service's store extends it with what only it has (an audit log of its own shape, row helpers).
 */
export class SchemaStore {
  /** The service's schema as configured. */
  readonly schema: string;
  private readonly quotedSchema: string;

  constructor(
    readonly dataSource: DataSource,
    readonly outbox: OutboxWriter,
    config: DatabaseServiceConfig,
  ) {
    this.schema = config.DATABASE_SCHEMA;
    this.quotedSchema = quoteIdentifier(config.DATABASE_SCHEMA);
  }

  /** A table of the service's schema, as SQL text: `table('team')` is `"<schema>".team`. */
  table(name: string): string {
    return `${this.quotedSchema}.${name}`;
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
