import type { EventDefinition } from '../event-definition';
import { RevocationUpsertedV1 } from './revocation.events';
import { TenantUpsertedV1 } from './tenant.events';

export * from './revocation.events';
export * from './tenant.events';

/** Every event type and version Tessera publishes. Adding an event means adding it here. */
export const ALL_EVENTS: readonly EventDefinition[] = [TenantUpsertedV1, RevocationUpsertedV1];
