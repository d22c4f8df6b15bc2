import { AppUpsertedV1, type EventData } from '@tessera/contracts';
import type { OutboxWriter } from '@tessera/messaging';
import type { EntityManager } from 'typeorm';
import { appIdentifiers, type AppView } from './app.view';

function eventData(app: AppView): EventData<typeof AppUpsertedV1> {
  return {
    appId: app.id,
    teamId: app.teamId,
    name: app.name,
    identifiers: appIdentifiers(app),
    policyId: app.policyId,
  };
}

/** Writes the app's latest state to the outbox, in the transaction that changed it. */
export async function publishApp(
  tx: EntityManager,
  outbox: OutboxWriter,
  tenantId: string,
  app: AppView,
): Promise<void> {
  await outbox.append(tx, AppUpsertedV1, { tenant: tenantId, data: eventData(app) });
}

/** The app's key on the registry topic (where its tombstone goes). */
export function appKey(tenantId: string, app: AppView): string {
  return AppUpsertedV1.key(tenantId, eventData(app));
}
