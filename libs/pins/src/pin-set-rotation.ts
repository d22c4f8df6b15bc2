import type { Pin } from '@tessera/contracts';

/**
 * A rotation replaces one pin of a domain by another in the only order that never locks an app out: the new pin
 * is added and published; Tessera waits until every app could have fetched a config carrying it (the longest config
 * lifetime); the server team switches certificates (Tessera sees the served chain match the new pin); the old pin
 * is retired. Pure data: the service stores it and passes `now`.
 *
 * Its states, at a given time (ROTATION_STATES):
 * - `scheduled`: planned for later (`--at`); nothing published yet.
 * - `due`: its time has come; the service publishes it next (adds the new pin, signs and sends the config).
 * - `waiting`: published; some apps may still hold a config without the new pin.
 * - `ready-to-switch`: every app could have fetched the new pin; the server team may switch certificates.
 * - `switched`: the host was seen serving the new key; the old pin can be retired (once the wait is over).
 * - `retired`: the old pin is gone; the rotation is done.
 * - `cancelled`: stopped before the old pin was retired; a published new pin stays in the set.
 */
export interface PinSetRotation {
  oldPin: Pin;
  newPin: Pin;
  /** When publishing may start: the `--at` given, or when the rotation was planned. */
  startsAt: Date;
  /** The longest lifetime of a config an app may hold: the wait between publishing and retiring. */
  maxConfigLifetimeSeconds: number;
  publishedAt: Date | null;
  /** When the served chain was first seen matching the new pin, after publishing. */
  switchedAt: Date | null;
  retiredAt: Date | null;
  cancelledAt: Date | null;
  /** Replaced without the wait (a compromised key): the service audits it as such. */
  emergency: boolean;
}

export const ROTATION_STATES = [
  'scheduled',
  'due',
  'waiting',
  'ready-to-switch',
  'switched',
  'retired',
  'cancelled',
] as const;
export type RotationState = (typeof ROTATION_STATES)[number];

export const ROTATION_REFUSALS = [
  'same-pin',
  'unknown-old-pin',
  'invalid-lifetime',
  'start-in-the-past',
  'not-yet-due',
  'already-published',
  'not-published',
  'too-early',
  'would-not-match-served-chain',
  'would-leave-no-backup',
  'already-retired',
  'cancelled',
  'not-confirmed',
] as const;
export type RotationRefusalCode = (typeof ROTATION_REFUSALS)[number];

export interface RotationRefusal {
  code: RotationRefusalCode;
  message: string;
  /** When the refused step becomes allowed, if time alone will allow it (`not-yet-due`, `too-early`). */
  allowedAt?: Date;
}

/** A step's result: the rotation after it (and the domain's pins, when the step changes them), or why not. */
export type RotationOutcome<T> = ({ ok: true; rotation: PinSetRotation } & T) | { ok: false; refusal: RotationRefusal };

/** The outcome of a step that changes the domain's pins. */
export interface PinChange {
  /** The domain's pins after the step. */
  pins: Pin[];
  /** True when the wait or the served-chain checks were skipped: the service must audit it as an emergency. */
  emergency: boolean;
  /** What an emergency step let through that a normal one would have refused. */
  warnings: string[];
}

function refuse(code: RotationRefusalCode, message: string, allowedAt?: Date): { ok: false; refusal: RotationRefusal } {
  return { ok: false, refusal: allowedAt === undefined ? { code, message } : { code, message, allowedAt } };
}

export interface RotationPlan {
  /** The domain's pins now. */
  pins: readonly Pin[];
  oldPin: Pin;
  newPin: Pin;
  now: Date;
  /** When to start publishing (`--at`); now when not given. */
  at?: Date;
  maxConfigLifetimeSeconds: number;
}

/** A rotation of `oldPin` to `newPin`, `scheduled` (or `due` at once). The pins change only when it is published. */
export function planRotation(plan: RotationPlan): RotationOutcome<object> {
  const { pins, oldPin, newPin, now, at = now, maxConfigLifetimeSeconds } = plan;
  if (oldPin === newPin) return refuse('same-pin', 'the new pin is the pin it replaces');
  if (!pins.includes(oldPin)) return refuse('unknown-old-pin', 'the pin to replace is not in the domain’s set');
  if (!Number.isInteger(maxConfigLifetimeSeconds) || maxConfigLifetimeSeconds <= 0)
    return refuse('invalid-lifetime', 'the longest config lifetime must be a positive number of seconds');
  if (at.getTime() < now.getTime()) return refuse('start-in-the-past', 'a rotation cannot be scheduled in the past');
  return {
    ok: true,
    rotation: {
      oldPin,
      newPin,
      startsAt: at,
      maxConfigLifetimeSeconds,
      publishedAt: null,
      switchedAt: null,
      retiredAt: null,
      cancelledAt: null,
      emergency: false,
    },
  };
}

/** When the wait ends: every app that could have fetched a config since publishing has the new pin. */
export function retireAllowedAt(rotation: PinSetRotation): Date | null {
  if (rotation.publishedAt === null) return null;
  return new Date(rotation.publishedAt.getTime() + rotation.maxConfigLifetimeSeconds * 1000);
}

export function rotationState(rotation: PinSetRotation, now: Date): RotationState {
  if (rotation.cancelledAt !== null) return 'cancelled';
  if (rotation.retiredAt !== null) return 'retired';
  if (rotation.publishedAt === null) return now.getTime() < rotation.startsAt.getTime() ? 'scheduled' : 'due';
  if (rotation.switchedAt !== null) return 'switched';
  const waitEnds = retireAllowedAt(rotation);
  return waitEnds !== null && now.getTime() < waitEnds.getTime() ? 'waiting' : 'ready-to-switch';
}

/** The refusal for a rotation that has ended, if it has. */
function ended(rotation: PinSetRotation): { ok: false; refusal: RotationRefusal } | undefined {
  if (rotation.cancelledAt !== null) return refuse('cancelled', 'the rotation was cancelled');
  if (rotation.retiredAt !== null) return refuse('already-retired', 'the old pin was already retired');
  return undefined;
}

/** Adds the new pin to the domain's set: the service then signs and publishes the config carrying it. */
export function publishRotation(
  rotation: PinSetRotation,
  { pins, now }: { pins: readonly Pin[]; now: Date },
): RotationOutcome<PinChange> {
  const over = ended(rotation);
  if (over) return over;
  if (rotation.publishedAt !== null) return refuse('already-published', 'the rotation was already published');
  if (now.getTime() < rotation.startsAt.getTime())
    return refuse('not-yet-due', 'the rotation is scheduled for later', rotation.startsAt);
  if (!pins.includes(rotation.oldPin))
    return refuse('unknown-old-pin', 'the pin to replace is no longer in the domain’s set');
  return {
    ok: true,
    rotation: { ...rotation, publishedAt: now },
    pins: pins.includes(rotation.newPin) ? [...pins] : [...pins, rotation.newPin],
    emergency: false,
    warnings: [],
  };
}

/**
 * What the host serves now (the pins of its chain): the first time, after publishing, that it carries the new
 * pin, the rotation is `switched`. Anything else leaves the rotation as it is.
 */
export function recordServedChain(
  rotation: PinSetRotation,
  { servedPins, now }: { servedPins: readonly Pin[]; now: Date },
): PinSetRotation {
  const open = rotation.cancelledAt === null && rotation.retiredAt === null && rotation.publishedAt !== null;
  if (!open || rotation.switchedAt !== null || !servedPins.includes(rotation.newPin)) return rotation;
  return { ...rotation, switchedAt: now };
}

export interface RetireRequest {
  /** The domain's pins now. */
  pins: readonly Pin[];
  /** The pins of the chain the host serves now. */
  servedPins: readonly Pin[];
  now: Date;
  /**
   * A compromised key: retire at once, without the wait and whatever the host serves. Apps that have not fetched
   * the new config yet, or connect before the server switches, fail: the point of an emergency.
   */
  emergency?: boolean;
}

/**
 * Removes the old pin, refused earlier than the wait allows, when no remaining pin would match the served chain,
 * or when no remaining pin would be a backup (outside the served chain).
 */
export function retireOldPin(rotation: PinSetRotation, request: RetireRequest): RotationOutcome<PinChange> {
  const { pins, servedPins, now, emergency = false } = request;
  const over = ended(rotation);
  if (over) return over;
  if (rotation.publishedAt === null && !emergency)
    return refuse('not-published', 'the new pin has not been published yet: publish it and wait before retiring');
  if (!pins.includes(rotation.oldPin))
    return refuse('unknown-old-pin', 'the pin to retire is no longer in the domain’s set');
  const allowedAt = retireAllowedAt(rotation);
  if (!emergency && allowedAt !== null && now.getTime() < allowedAt.getTime())
    return refuse(
      'too-early',
      `apps may still hold a config without the new pin until ${allowedAt.toISOString()}`,
      allowedAt,
    );

  const remaining = withNewPin(
    pins.filter((pin) => pin !== rotation.oldPin),
    rotation.newPin,
  );
  const served = new Set(servedPins);
  const problems: [RotationRefusalCode, string][] = [];
  if (!remaining.some((pin) => served.has(pin)))
    problems.push([
      'would-not-match-served-chain',
      'no remaining pin matches the chain the host serves: switch the server’s certificate to the new key first',
    ]);
  if (remaining.every((pin) => served.has(pin)))
    problems.push([
      'would-leave-no-backup',
      'every remaining pin is in the served chain: add a new backup pin before retiring this one',
    ]);
  const [first] = problems;
  if (first && !emergency) return refuse(...first);

  return {
    ok: true,
    rotation: {
      ...recordServedChain({ ...rotation, publishedAt: rotation.publishedAt ?? now }, { servedPins, now }),
      retiredAt: now,
      emergency: rotation.emergency || emergency,
    },
    pins: remaining,
    emergency,
    warnings: problems.map(([, message]) => message),
  };
}

function withNewPin(pins: Pin[], newPin: Pin): Pin[] {
  return pins.includes(newPin) ? pins : [...pins, newPin];
}

export interface EmergencyReplacement {
  pins: readonly Pin[];
  /** The compromised pin. */
  oldPin: Pin;
  newPin: Pin;
  servedPins: readonly Pin[];
  now: Date;
  maxConfigLifetimeSeconds: number;
  /** Must be `true`: the explicit flag (`--emergency`) that a key is compromised and the wait is skipped. */
  compromised: boolean;
}

/** Replaces a compromised pin at once: planned, published and retired in one step, marked as an emergency. */
export function emergencyReplace(replacement: EmergencyReplacement): RotationOutcome<PinChange> {
  const { pins, oldPin, newPin, servedPins, now, maxConfigLifetimeSeconds, compromised } = replacement;
  if (!compromised)
    return refuse('not-confirmed', 'an emergency replace skips the wait: it needs the explicit compromised-key flag');
  const planned = planRotation({ pins, oldPin, newPin, now, maxConfigLifetimeSeconds });
  if (!planned.ok) return planned;
  return retireOldPin(planned.rotation, { pins, servedPins, now, emergency: true });
}

/** Stops a rotation that has not retired its old pin. The domain's pins stay as they are. */
export function cancelRotation(rotation: PinSetRotation, now: Date): RotationOutcome<object> {
  const over = ended(rotation);
  if (over) return over;
  return { ok: true, rotation: { ...rotation, cancelledAt: now } };
}
