import { RegistrationUpsertedV1, type EventData } from '@tessera/contracts';
import type { OutboxWriter } from '@tessera/messaging';
import type { EntityManager } from 'typeorm';
import { buildOf, type RegistrationView } from './registration.view';

function eventData(registration: RegistrationView): EventData<typeof RegistrationUpsertedV1> {
  return {
    registrationId: registration.id,
    appId: registration.appId,
    teamId: registration.teamId,
    build: buildOf(registration),
    source: registration.source,
    createdAt: registration.createdAt.toISOString(),
    expiresAt: registration.expiresAt?.toISOString() ?? null,
  };
}

/** Writes the registration to the outbox, in the transaction that created it. */
export async function publishRegistration(
  tx: EntityManager,
  outbox: OutboxWriter,
  tenantId: string,
  registration: RegistrationView,
): Promise<void> {
  await outbox.append(tx, RegistrationUpsertedV1, { tenant: tenantId, data: eventData(registration) });
}

/** The registration's key on the registry topic (where its tombstone goes). */
export function registrationKey(tenantId: string, registration: RegistrationView): string {
  return RegistrationUpsertedV1.key(tenantId, eventData(registration));
}
