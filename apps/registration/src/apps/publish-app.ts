import { AppUpsertedV1 } from '@tessera/contracts';
import type { OutboxWriter } from '@tessera/messaging';
import type { EntityManager } from 'typeorm';
import { appIdentifiers, type AppView } from './app.view';

/** Writes the app's latest state to the outbox, in the transaction that changed it. */
export async function publishApp(
  tx: EntityManager,
  outbox: OutboxWriter,
  tenantId: string,
  app: AppView,
): Promise<void> {
  await outbox.append(tx, AppUpsertedV1, {
    tenant: tenantId,
    data: {
      appId: app.id,
      teamId: app.teamId,
      name: app.name,
      identifiers: appIdentifiers(app),
      policyId: app.policyId,
    },
  });
}
