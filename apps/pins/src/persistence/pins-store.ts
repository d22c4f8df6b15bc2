import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseServiceConfig } from '@tessera/config';
import { OutboxWriter } from '@tessera/messaging';
import { SchemaStore, SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';

/** The pins service's database: protected domains, the known tenants and API keys, its outbox. */
@Injectable()
export class PinsStore extends SchemaStore {
  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(OutboxWriter) outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) config: DatabaseServiceConfig,
  ) {
    super(dataSource, outbox, config);
  }
}
