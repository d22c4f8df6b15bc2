import { Inject, Injectable } from '@nestjs/common';
import { DatabaseConnection } from '@tessera/database';
import { KnownApiKeyDirectory } from '@tessera/service-runtime';
import { PinsStore } from '../persistence/pins-store';

/** API keys as the pins service knows them: its read model of api-key.upserted and tenant.upserted. */
@Injectable()
export class PinsApiKeyDirectory extends KnownApiKeyDirectory {
  constructor(@Inject(PinsStore) store: PinsStore, @Inject(DatabaseConnection) database: DatabaseConnection) {
    super(store.dataSource, (name) => store.table(name), database);
  }
}
