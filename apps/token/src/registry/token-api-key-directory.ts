import { Inject, Injectable } from '@nestjs/common';
import { DatabaseConnection } from '@tessera/database';
import { KnownApiKeyDirectory } from '@tessera/service-runtime';
import { TokenStore } from '../persistence/token-store';

/** API keys as the token service knows them: its read model of api-key.upserted and tenant.upserted. */
@Injectable()
export class TokenApiKeyDirectory extends KnownApiKeyDirectory {
  constructor(@Inject(TokenStore) store: TokenStore, @Inject(DatabaseConnection) database: DatabaseConnection) {
    super(store.dataSource, (name) => store.table(name), database);
  }
}
