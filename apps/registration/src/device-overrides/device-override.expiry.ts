import { Inject, Injectable } from '@nestjs/common';
import { Topics } from '@tessera/contracts';
import { TableExpiry } from '../expiry/table-expiry';
import { RegistryStore } from '../persistence/registry-store';
import { OVERRIDE_COLUMNS, type DeviceOverrideView, overrideKey, overrideSummary } from './device-override.view';

type DeviceOverrideRow = DeviceOverrideView & { tenantId: string };

/**
 * Publishes the end of expired device overrides; ending one also takes it out of the one-override-in-force
 * index, so an expired override never blocks a new one.
 */
@Injectable()
export class DeviceOverrideExpiry extends TableExpiry<DeviceOverrideRow, DeviceOverrideView> {
  constructor(@Inject(RegistryStore) store: RegistryStore) {
    super(store, {
      kind: 'device-override',
      table: 'device_override',
      alias: 'o',
      columns: `o.tenant_id AS "tenantId", ${OVERRIDE_COLUMNS}`,
      entity: (row) => row,
      topic: Topics.policies,
      key: overrideKey,
      summary: overrideSummary,
    });
  }
}
