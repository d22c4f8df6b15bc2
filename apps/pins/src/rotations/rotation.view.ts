import type { DomainPin, EventData, Pin, PinRotationUpsertedV1 } from '@tessera/contracts';
import { type PinSetRotation, retireAllowedAt, rotationState } from '@tessera/pins';

export interface RotationRow {
  id: string;
  domain_id: string;
  new_pins: DomainPin[];
  retire_pins: Pin[];
  starts_at: Date;
  max_config_lifetime_seconds: number;
  published_at: Date | null;
  switched_at: Date | null;
  retired_at: Date | null;
  cancelled_at: Date | null;
  emergency: boolean;
  created_at: Date;
  updated_at: Date;
}

export const ROTATION_COLUMNS =
  'id, domain_id, new_pins, retire_pins, starts_at, max_config_lifetime_seconds, published_at, switched_at, retired_at, cancelled_at, emergency, created_at, updated_at';

/**
 * The rotation as libs/pins walks it: one PinSetRotation per pin it retires, each paired with the first new pin
 * (all new pins are published together, so they share one timeline).
 */
export function pairsOf(row: RotationRow): PinSetRotation[] {
  const [newPin] = row.new_pins;
  if (!newPin) throw new Error(`rotation ${row.id} has no new pin`);
  return row.retire_pins.map((oldPin) => ({
    oldPin,
    newPin: newPin.pin,
    startsAt: row.starts_at,
    maxConfigLifetimeSeconds: row.max_config_lifetime_seconds,
    publishedAt: row.published_at,
    switchedAt: row.switched_at,
    retiredAt: row.retired_at,
    cancelledAt: row.cancelled_at,
    emergency: row.emergency,
  }));
}

function timelineOf(row: RotationRow): PinSetRotation {
  const [first] = pairsOf(row);
  if (!first) throw new Error(`rotation ${row.id} retires no pin`);
  return first;
}

const iso = (at: Date | null): string | null => (at === null ? null : at.toISOString());

/** The rotation's recorded facts, as pin-rotation.upserted carries them. */
export function rotationEventData(row: RotationRow): EventData<typeof PinRotationUpsertedV1> {
  return {
    rotationId: row.id,
    domainId: row.domain_id,
    newPins: row.new_pins,
    retirePins: row.retire_pins,
    startsAt: row.starts_at.toISOString(),
    maxConfigLifetimeSeconds: row.max_config_lifetime_seconds,
    publishedAt: iso(row.published_at),
    retireAllowedAt: iso(retireAllowedAt(timelineOf(row))),
    switchedAt: iso(row.switched_at),
    retiredAt: iso(row.retired_at),
    cancelledAt: iso(row.cancelled_at),
    emergency: row.emergency,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The rotation as the admin API answers it: its facts and its state at `now`. */
export function rotationView(row: RotationRow, now: Date) {
  return { id: row.id, state: rotationState(timelineOf(row), now), ...rotationEventData(row) };
}
