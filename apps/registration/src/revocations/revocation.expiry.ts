import { Inject, Injectable } from '@nestjs/common';
import { Topics } from '@tessera/contracts';
import { TableExpiry } from '../expiry/table-expiry';
import { RegistryStore } from '../persistence/registry-store';
import { REVOCATION_COLUMNS, revocationKey, revocationSummary, type RevocationView } from './revocation.view';

type RevocationRow = RevocationView & { tenantId: string };

/** Publishes the end of expired revocations; the rows stay (listed as expired) until lifted. */
@Injectable()
export class RevocationExpiry extends TableExpiry<RevocationRow, RevocationView> {
  constructor(@Inject(RegistryStore) store: RegistryStore) {
    super(store, {
      kind: 'revocation',
      table: 'revocation',
      columns: `${REVOCATION_COLUMNS}, tenant_id AS "tenantId"`,
      entity: (row) => row,
      topic: Topics.revocations,
      key: revocationKey,
      summary: revocationSummary,
    });
  }
}
