import { Inject, Injectable } from '@nestjs/common';
import {
  type EventData,
  type PinViolationReport,
  PinViolationReportedV1,
  type ReportedChainCertificate,
} from '@tessera/contracts';
import { randomUUID } from 'node:crypto';
import { PinsStore } from '../persistence/pins-store';
import { encodeCursor, type PinReportsFilter } from './pin-reports.schemas';
import { type PinViolationRow, pinViolationView } from './pin-violation.view';

const COLUMNS = `id, app_id, identity, installation_id, device_id, sdk_version, hostname, port, pattern, expected_pins,
  served_chain, config_version, occurred_at, received_at, client_ip`;

/** Who sent a report: the app and device of a valid Tessera token that came with it, or what the report claims. */
export type ReporterIdentity =
  | { identity: 'verified'; installationId: string; deviceId: string }
  | { identity: 'claimed'; installationId: string; deviceId: null };

/** Pin-violation reports: stored, then published (append-only); read back newest first. */
@Injectable()
export class PinViolationReports {
  constructor(@Inject(PinsStore) private readonly store: PinsStore) {}

  /** Whether reports for the tenant are taken: it is known from the registry and active. */
  async tenantIsActive(tenant: string): Promise<boolean> {
    const rows: { status: string }[] = await this.store.dataSource.query(
      `SELECT status FROM ${this.store.table('known_tenant')} WHERE id = $1`,
      [tenant],
    );
    return rows[0]?.status === 'active';
  }

  /**
   * Stores the report, then appends its event in a statement of its own (appendUnordered: the topic is
   * append-only and nothing else changes with it). Should the second fail, the report is kept but not published.
   */
  async record(
    report: PinViolationReport,
    chain: ReportedChainCertificate[],
    reporter: ReporterIdentity,
    clientIp: string | null,
  ): Promise<EventData<typeof PinViolationReportedV1>> {
    // Milliseconds, as JavaScript keeps them, so a page cursor names the row exactly.
    const receivedAt = new Date();
    const rows: PinViolationRow[] = await this.store.dataSource.query(
      `INSERT INTO ${this.store.table('pin_violation')} (id, tenant_id, app_id, identity, installation_id, device_id,
         sdk_version, hostname, port, pattern, expected_pins, served_chain, config_version, occurred_at, received_at,
         client_ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13, $14, $15, $16)
       RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        report.tenant,
        report.appId,
        reporter.identity,
        reporter.installationId,
        reporter.deviceId,
        report.sdkVersion,
        report.hostname,
        report.port,
        report.pattern,
        JSON.stringify(report.expectedPins),
        JSON.stringify(chain),
        report.configVersion,
        report.occurredAt,
        receivedAt,
        clientIp,
      ],
    );
    const view = pinViolationView(rows[0] as PinViolationRow);
    await this.store.outbox.appendUnordered(this.store.dataSource, PinViolationReportedV1, {
      tenant: report.tenant,
      data: view,
    });
    return view;
  }

  /** The tenant's reports, newest first, a page at a time. */
  /** Forgets the reports received more than `days` ago; how many. */
  async purgeOlderThan(days: number): Promise<number> {
    const result: [unknown[], number] = await this.store.dataSource.query(
      `DELETE FROM ${this.store.table('pin_violation')} WHERE received_at < now() - make_interval(days => $1)`,
      [days],
    );
    return result[1];
  }

  async list(tenant: string, filter: PinReportsFilter) {
    const conditions = ['tenant_id = $1'];
    const values: unknown[] = [tenant];
    const where = (condition: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(condition(`$${values.length}`));
    };
    if (filter.domain !== undefined) where((p) => `(pattern = ${p} OR hostname = ${p})`, filter.domain);
    if (filter.appId !== undefined) where((p) => `app_id = ${p}`, filter.appId);
    if (filter.since !== undefined) where((p) => `received_at >= ${p}`, filter.since);
    if (filter.cursor !== undefined) {
      values.push(filter.cursor.receivedAt, filter.cursor.id);
      conditions.push(`(received_at, id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(filter.limit + 1);
    const rows: PinViolationRow[] = await this.store.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.store.table('pin_violation')} WHERE ${conditions.join(' AND ')}
       ORDER BY received_at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return {
      items: page.map(pinViolationView),
      nextCursor:
        rows.length > filter.limit && last ? encodeCursor({ receivedAt: last.received_at, id: last.id }) : null,
    };
  }
}
