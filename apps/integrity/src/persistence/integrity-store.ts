import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseServiceConfig } from '@tessera/config';
import { OutboxWriter } from '@tessera/messaging';
import { SchemaStore, SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';

/** The integrity service's database: its challenges and its outbox (attestation events). */
@Injectable()
export class IntegrityStore extends SchemaStore {
  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(OutboxWriter) outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) config: DatabaseServiceConfig,
  ) {
    super(dataSource, outbox, config);
  }
}
