import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { DeviceOverrideUpsertedV1, Topics } from '@tessera/contracts';
import type { EntityManager } from 'typeorm';
import { findVisibleApp, visibleTeam } from '../apps/app-lookup';
import { expiryStatusCondition } from '../expiry/expiry-status';
import type { Page } from '../persistence/page';
import { RegistryStore } from '../persistence/registry-store';
import { isUniqueViolation, pageOf, returned } from '../persistence/sql';
import { DeviceOverrideExpiry } from './device-override.expiry';
import {
  OVERRIDE_COLUMNS,
  type DeviceOverrideView,
  overrideEventData,
  overrideKey,
  overrideSummary,
} from './device-override.view';
import type { CreateOverrideInput, ListOverridesInput } from './device-overrides.schemas';

/**
 * Device overrides of the caller's tenant: a device forced to pass or fail attestation, for one app or all of
 * them, until removed or expired. One override is in force per device and app; a second is refused (409) with
 * the first's id, so nobody replaces a blocking override without meaning to. Developers see tenant-wide overrides
 * and those of their own team's apps.
 */
@Injectable()
export class DeviceOverridesService {
  constructor(
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(DeviceOverrideExpiry) private readonly expiry: DeviceOverrideExpiry,
  ) {}

  async list(principal: Principal, query: ListOverridesInput): Promise<Page<DeviceOverrideView>> {
    const rows = await this.store.dataSource.query<DeviceOverrideView[]>(
      `SELECT ${OVERRIDE_COLUMNS}
       FROM ${this.store.table('device_override')} AS o LEFT JOIN ${this.store.table('app')} AS a ON a.id = o.app_id
       WHERE o.tenant_id = $1 AND ($2::uuid IS NULL OR o.id > $2::uuid)
         AND ($3::uuid IS NULL OR o.app_id IS NULL OR a.team_id = $3::uuid)
         AND ($4::text IS NULL OR o.device_id = $4) AND ($5::uuid IS NULL OR o.app_id = $5::uuid)
         AND ${expiryStatusCondition('$6', 'o.expires_at')}
       ORDER BY o.id LIMIT $7`,
      [
        principal.tenantId,
        query.cursor ?? null,
        visibleTeam(principal),
        query.deviceId ?? null,
        query.appId ?? null,
        query.status,
        query.limit + 1,
      ],
    );
    return pageOf(rows, query.limit);
  }

  get(principal: Principal, overrideId: string): Promise<DeviceOverrideView> {
    return this.find(this.store.dataSource.manager, principal, overrideId);
  }

  async create(principal: Principal, input: CreateOverrideInput): Promise<DeviceOverrideView> {
    const appId = input.appId ?? null;
    try {
      return await this.store.transaction(async (tx) => {
        if (appId !== null) await this.visibleApp(tx, principal, appId);
        await this.refuseOverrideInForce(tx, principal.tenantId, input.deviceId, appId);
        const override = returned(
          await tx.query<DeviceOverrideView[]>(
            `INSERT INTO ${this.store.table('device_override')} AS o
               (id, tenant_id, device_id, app_id, verdict, reason, expires_at, created_by_key_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${OVERRIDE_COLUMNS}`,
            [
              randomUUID(),
              principal.tenantId,
              input.deviceId,
              appId,
              input.verdict,
              input.reason ?? null,
              input.expiresAt,
              principal.keyId,
            ],
          ),
        );
        await this.store.outbox.append(tx, DeviceOverrideUpsertedV1, {
          tenant: principal.tenantId,
          data: overrideEventData(override),
        });
        await this.store.audit(tx, principal, {
          action: 'device-override.create',
          target: { kind: 'device-override', id: override.id },
          before: null,
          after: overrideSummary(override),
        });
        return override;
      });
    } catch (error) {
      // Another request created the same device's override between our check and our insert.
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.inForce(this.store.dataSource.manager, principal.tenantId, input.deviceId, appId);
      throw this.conflict(appId, existing?.id);
    }
  }

  /** Removes an override, in force or expired; a tombstone takes it out of every consumer's view. */
  async delete(principal: Principal, overrideId: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const before = await this.find(tx, principal, overrideId, true);
      await this.store.deleteTenantRow(tx, 'device_override', principal.tenantId, overrideId);
      await this.store.publishRemoval(tx, principal, {
        topic: Topics.policies,
        key: overrideKey(principal.tenantId, before),
        action: 'device-override.delete',
        target: { kind: 'device-override', id: overrideId },
        before: overrideSummary(before),
      });
    });
  }

  /**
   * 409 if the device already has an override in force for this app (or tenant-wide). One that has expired but
   * was not swept yet is ended here, as the sweeper would, so it never blocks a new one.
   */
  private async refuseOverrideInForce(
    tx: EntityManager,
    tenantId: string,
    deviceId: string,
    appId: string | null,
  ): Promise<void> {
    const current = await this.inForce(tx, tenantId, deviceId, appId, true);
    if (!current) return;
    if (current.status === 'active') throw this.conflict(appId, current.id);
    await this.expiry.publishEnd(tx, tenantId, current);
  }

  /** The override of this device and app whose end has not been published, if any. */
  private async inForce(
    tx: EntityManager,
    tenantId: string,
    deviceId: string,
    appId: string | null,
    lock = false,
  ): Promise<DeviceOverrideView | undefined> {
    const rows = await tx.query<DeviceOverrideView[]>(
      `SELECT ${OVERRIDE_COLUMNS} FROM ${this.store.table('device_override')} AS o
       WHERE o.tenant_id = $1 AND o.device_id = $2 AND o.app_id IS NOT DISTINCT FROM $3::uuid
         AND o.expiry_published_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
      [tenantId, deviceId, appId],
    );
    return rows[0];
  }

  private conflict(appId: string | null, existingId: string | undefined): ConflictException {
    const scope = appId === null ? 'for every app' : 'for this app';
    return new ConflictException({
      statusCode: 409,
      message: `the device already has an override in force ${scope}${existingId ? ` (${existingId})` : ''}: delete it first`,
      overrideId: existingId ?? null,
    });
  }

  /** A body's app must be one the caller sees; anything else reads as an app that does not exist. */
  private async visibleApp(tx: EntityManager, principal: Principal, appId: string): Promise<void> {
    try {
      await findVisibleApp(tx, this.store.schema, principal, appId, 'share');
    } catch (error) {
      if (!(error instanceof NotFoundException)) throw error;
      throw new BadRequestException({ statusCode: 400, message: 'appId: no such app' });
    }
  }

  private async find(
    tx: EntityManager,
    principal: Principal,
    overrideId: string,
    lock = false,
  ): Promise<DeviceOverrideView> {
    const rows = await tx.query<DeviceOverrideView[]>(
      `SELECT ${OVERRIDE_COLUMNS}
       FROM ${this.store.table('device_override')} AS o LEFT JOIN ${this.store.table('app')} AS a ON a.id = o.app_id
       WHERE o.tenant_id = $1 AND o.id = $2 AND ($3::uuid IS NULL OR o.app_id IS NULL OR a.team_id = $3::uuid)
       ${lock ? 'FOR UPDATE OF o' : ''}`,
      [principal.tenantId, overrideId, visibleTeam(principal)],
    );
    if (!rows[0]) throw new NotFoundException('no such device override');
    return rows[0];
  }
}
