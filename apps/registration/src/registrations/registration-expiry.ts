import { Inject, Injectable } from '@nestjs/common';
import { OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit-log';
import { type ExpiringEntity, expiryActor } from '../expiry/expiring-entity';
import type { RegistrationConfig } from '../registration.config';
import { registrationKey, unpublishRegistration } from './publish-registration';
import { REGISTRATION_COLUMNS, type RegistrationRow, registrationSummary, registrationView } from './registration.view';

const BATCH = 500;

/**
 * Publishes the end of expired registrations: a tombstone on each one's key and a `registration.expire` audit
 * entry, in one transaction per batch. The rows stay (listed with status=expired) until someone removes them.
 */
@Injectable()
export class RegistrationExpiry implements ExpiringEntity {
  readonly kind = 'registration';
  private readonly schema: string;
  private readonly s: string;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) config: RegistrationConfig,
  ) {
    this.schema = config.DATABASE_SCHEMA;
    this.s = quoteIdentifier(config.DATABASE_SCHEMA);
  }

  async sweep(now: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const swept = await this.sweepBatch(now);
      total += swept;
      if (swept < BATCH) return total;
    }
  }

  private sweepBatch(now: Date): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<RegistrationRow[]>(
        `SELECT ${REGISTRATION_COLUMNS} FROM ${this.s}.registration
         WHERE expires_at <= $1 AND expiry_published_at IS NULL
         ORDER BY expires_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        [now],
      );
      // Outbox keys are locked in the order they are appended: a stable order avoids deadlocks.
      const expired = rows
        .map((row) => ({ tenantId: row.tenantId, registration: registrationView(row) }))
        .sort((a, b) =>
          compare(registrationKey(a.tenantId, a.registration), registrationKey(b.tenantId, b.registration)),
        );
      for (const { tenantId, registration } of expired) {
        await unpublishRegistration(tx, this.outbox, tenantId, registration);
        await recordAudit(tx, this.schema, expiryActor(tenantId), {
          action: 'registration.expire',
          target: { kind: 'registration', id: registration.id },
          before: registrationSummary(registration),
          after: null,
        });
      }
      if (rows.length > 0) {
        await tx.query(`UPDATE ${this.s}.registration SET expiry_published_at = now() WHERE id = ANY($1::uuid[])`, [
          rows.map((row) => row.id),
        ]);
      }
      return rows.length;
    });
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
