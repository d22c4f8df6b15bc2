import type { EventDefinition } from '../event-definition';
import { RevocationUpsertedV1 } from './revocation.events';
import { TeamUpsertedV1 } from './team.events';
import { TenantUpsertedV1 } from './tenant.events';

export * from './revocation.events';
export * from './team.events';
export * from './tenant.events';

/** Every event type and version Tessera publishes. Adding an event means adding it here. */
export const ALL_EVENTS: readonly EventDefinition[] = [TenantUpsertedV1, TeamUpsertedV1, RevocationUpsertedV1];
