import { DeviceOverrideUpsertedV1, type EventData } from '@tessera/contracts';

export const OVERRIDE_VERDICTS = ['pass', 'fail'] as const;
export type OverrideVerdict = (typeof OVERRIDE_VERDICTS)[number];

/** A device override as the admin API shows it. */
export interface DeviceOverrideView {
  id: string;
  deviceId: string;
  /** null: every app of the tenant. */
  appId: string | null;
  verdict: OverrideVerdict;
  reason: string | null;
  /** `expired` from `expiresAt` on, whether or not the sweeper has published its end yet. */
  status: 'active' | 'expired';
  createdAt: Date;
  expiresAt: Date | null;
  /** The API key that created it. */
  createdByKeyId: string | null;
}

/** Columns of `device_override AS o`. */
export const OVERRIDE_COLUMNS = `o.id, o.device_id AS "deviceId", o.app_id AS "appId", o.verdict, o.reason,
  CASE WHEN o.expires_at <= now() THEN 'expired' ELSE 'active' END AS status,
  o.created_at AS "createdAt", o.expires_at AS "expiresAt", o.created_by_key_id AS "createdByKeyId"`;

/** The override as `device-override.upserted` carries it (its key is the tombstone's too). */
export function overrideEventData(override: DeviceOverrideView): EventData<typeof DeviceOverrideUpsertedV1> {
  return {
    overrideId: override.id,
    deviceId: override.deviceId,
    appId: override.appId,
    verdict: override.verdict,
    reason: override.reason,
    createdAt: override.createdAt.toISOString(),
    expiresAt: override.expiresAt?.toISOString() ?? null,
  };
}

/** The override's key on the policies topic (where its tombstone goes). */
export function overrideKey(tenantId: string, override: DeviceOverrideView): string {
  return DeviceOverrideUpsertedV1.key(tenantId, overrideEventData(override));
}

/** The audit summary of an override. */
export function overrideSummary(override: DeviceOverrideView): Record<string, unknown> {
  return {
    deviceId: override.deviceId,
    appId: override.appId,
    verdict: override.verdict,
    reason: override.reason,
    expiresAt: override.expiresAt,
  };
}
