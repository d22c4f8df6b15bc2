import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseServiceConfig } from '@tessera/config';
import { RevocationUpsertedV1, Topics } from '@tessera/contracts';
import { OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit-log';
import { type ExpiringEntity, expiryActor } from '../expiry/expiring-entity';
import { REVOCATION_COLUMNS, revocationEventData, revocationSummary, type RevocationView } from './revocation.view';

const BATCH = 500;

/**
 * Publishes the end of expired revocations: a tombstone on each one's key and a `revocation.expire` audit entry,
 * in one transaction per batch. The rows stay (listed as expired) until lifted.
 */
@Injectable()
export class RevocationExpiry implements ExpiringEntity {
  readonly kind = 'revocation';
  private readonly schema: string;
  private readonly s: string;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) config: DatabaseServiceConfig,
  ) {
    this.schema = config.DATABASE_SCHEMA;
    this.s = quoteIdentifier(config.DATABASE_SCHEMA);
  }

  async sweep(now: Date): Promise<number> {
    let swept = 0;
    for (;;) {
      const batch = await this.sweepBatch(now);
      swept += batch;
      if (batch < BATCH) return swept;
    }
  }

  private sweepBatch(now: Date): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const expired = await tx.query<(RevocationView & { tenantId: string })[]>(
        `SELECT ${REVOCATION_COLUMNS}, tenant_id AS "tenantId" FROM ${this.s}.revocation
         WHERE expires_at <= $1 AND expiry_published_at IS NULL
         ORDER BY expires_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        [now],
      );
      for (const revocation of expired) {
        await this.outbox.appendTombstone(
          tx,
          Topics.revocations,
          RevocationUpsertedV1.key(revocation.tenantId, revocationEventData(revocation)),
        );
        await recordAudit(tx, this.schema, expiryActor(revocation.tenantId), {
          action: 'revocation.expire',
          target: { kind: 'revocation', id: revocation.id },
          before: revocationSummary(revocation),
          after: null,
        });
      }
      if (expired.length > 0) {
        await tx.query(`UPDATE ${this.s}.revocation SET expiry_published_at = now() WHERE id = ANY($1::uuid[])`, [
          expired.map((r) => r.id),
        ]);
      }
      return expired.length;
    });
  }
}
