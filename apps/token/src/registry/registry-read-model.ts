import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyUpsertedV1, EventData, EventEnvelope, TenantUpsertedV1 } from '@tessera/contracts';
import { KnownApiKeys } from '@tessera/service-runtime';
import type { EntityManager } from 'typeorm';
import { SigningKeysService } from '../keys/signing-keys.service';
import { TokenStore } from '../persistence/token-store';

/**
 * The registry as the token service needs it, applied from the registry topic: tenants (a new one gets its signing
 * keys before its first token request) and API keys (to authenticate admin requests), in the shared KnownApiKeys
 * tables. Every handler is idempotent: a state event carries the whole latest state.
 */
@Injectable()
export class RegistryReadModel {
  private readonly known: KnownApiKeys;

  constructor(
    @Inject(TokenStore) store: TokenStore,
    @Inject(SigningKeysService) private readonly keys: SigningKeysService,
  ) {
    this.known = new KnownApiKeys(store.dataSource, (name) => store.table(name));
  }

  async tenantUpserted(event: EventEnvelope<EventData<typeof TenantUpsertedV1>>, tx: EntityManager): Promise<void> {
    await this.known.tenantUpserted(event, tx);
    // Its own transaction: the keys are there (and published) whatever becomes of this event's.
    if (event.data.status === 'active') await this.keys.applySchedule(event.data.tenantId);
  }

  apiKeyUpserted(event: EventEnvelope<EventData<typeof ApiKeyUpsertedV1>>, tx: EntityManager): Promise<void> {
    return this.known.apiKeyUpserted(event, tx);
  }

  tombstone(key: string): Promise<void> {
    return this.known.tombstone(key);
  }
}
