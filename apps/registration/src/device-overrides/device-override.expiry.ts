import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseServiceConfig } from '@tessera/config';
import { DeviceOverrideUpsertedV1, Topics } from '@tessera/contracts';
import { OutboxWriter, quoteIdentifier } from '@tessera/messaging';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit-log';
import { type ExpiringEntity, expiryActor } from '../expiry/expiring-entity';
import { OVERRIDE_COLUMNS, type DeviceOverrideView, overrideEventData, overrideSummary } from './device-override.view';

const BATCH = 500;

/** Publishes the end of expired device overrides: a tombstone and a `device-override.expire` audit entry each. */
@Injectable()
export class DeviceOverrideExpiry implements ExpiringEntity {
  readonly kind = 'device-override';
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
      const batch = await this.dataSource.transaction(async (tx) => {
        // Ordered by tenant and id, so the outbox key locks are taken in one order by every sweeper.
        const rows = await tx.query<(DeviceOverrideView & { tenantId: string })[]>(
          `SELECT o.tenant_id AS "tenantId", ${OVERRIDE_COLUMNS} FROM ${this.s}.device_override AS o
           WHERE o.expires_at <= $1 AND o.expiry_published_at IS NULL
           ORDER BY o.tenant_id, o.id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
          [now],
        );
        for (const row of rows) await this.publishEnd(tx, row.tenantId, row);
        return rows.length;
      });
      swept += batch;
      if (batch < BATCH) return swept;
    }
  }

  /**
   * Ends one expired override in the caller's transaction (the row locked): tombstone, audit entry, and the mark
   * that takes it out of the sweep and out of the one-override-in-force index.
   */
  async publishEnd(tx: EntityManager, tenantId: string, override: DeviceOverrideView): Promise<void> {
    await this.outbox.appendTombstone(
      tx,
      Topics.policies,
      DeviceOverrideUpsertedV1.key(tenantId, overrideEventData(override)),
    );
    await recordAudit(tx, this.schema, expiryActor(tenantId), {
      action: 'device-override.expire',
      target: { kind: 'device-override', id: override.id },
      before: overrideSummary(override),
      after: null,
    });
    await tx.query(`UPDATE ${this.s}.device_override SET expiry_published_at = now() WHERE id = $1`, [override.id]);
  }
}
