import type { Pin } from '@tessera/contracts';
import {
  cancelRotation,
  emergencyReplace,
  type PinSetRotation,
  planRotation,
  publishRotation,
  recordServedChain,
  retireAllowedAt,
  retireOldPin,
  type RotationOutcome,
  type RotationRefusalCode,
  type RotationState,
  rotationState,
} from './pin-set-rotation';

function pin(name: string): Pin {
  return Buffer.from(name.padEnd(32, '.')).toString('base64');
}

const OLD = pin('old leaf key');
const NEW = pin('new leaf key');
const BACKUP = pin('backup key');
const SPARE = pin('another spare');
const INTERMEDIATE = pin('intermediate');

const DAY_S = 86_400;
const T0 = new Date('2026-03-01T00:00:00Z');
const at = (hours: number): Date => new Date(T0.getTime() + hours * 3_600_000);

/** The host serves the old key before the switch, the new one after. */
const SERVED_OLD = [OLD, INTERMEDIATE];
const SERVED_NEW = [NEW, INTERMEDIATE];

function ok<T>(outcome: RotationOutcome<T>): { rotation: PinSetRotation } & T {
  if (!outcome.ok) throw new Error(`refused: ${outcome.refusal.code}`);
  return outcome;
}

function refusal<T>(outcome: RotationOutcome<T>): RotationRefusalCode {
  if (outcome.ok) throw new Error('expected a refusal');
  return outcome.refusal.code;
}

function planned(hours = 0): PinSetRotation {
  return ok(
    planRotation({
      pins: [OLD, BACKUP],
      oldPin: OLD,
      newPin: NEW,
      now: T0,
      at: at(hours),
      maxConfigLifetimeSeconds: DAY_S,
    }),
  ).rotation;
}

/** Planned at T0, published at T0; the wait ends at T0 + 24 h. */
function published(): PinSetRotation {
  return ok(publishRotation(planned(), { pins: [OLD, BACKUP], now: T0 })).rotation;
}

describe('a rotation through its states', () => {
  it('goes scheduled → due → waiting → ready-to-switch → switched → retired, changing the pins only where it must', () => {
    const rotation = planned(2);
    const states: RotationState[] = [rotationState(rotation, at(1)), rotationState(rotation, at(2))];

    expect(refusal(publishRotation(rotation, { pins: [OLD, BACKUP], now: at(1) }))).toBe('not-yet-due');
    const publish = ok(publishRotation(rotation, { pins: [OLD, BACKUP], now: at(2) }));
    expect(publish.pins).toEqual([OLD, BACKUP, NEW]);
    states.push(rotationState(publish.rotation, at(3)));
    expect(retireAllowedAt(publish.rotation)).toEqual(at(26));
    states.push(rotationState(publish.rotation, at(26)));

    expect(recordServedChain(publish.rotation, { servedPins: SERVED_OLD, now: at(27) })).toBe(publish.rotation);
    const switched = recordServedChain(publish.rotation, { servedPins: SERVED_NEW, now: at(28) });
    expect(switched.switchedAt).toEqual(at(28));
    states.push(rotationState(switched, at(28)));

    const retire = ok(retireOldPin(switched, { pins: publish.pins, servedPins: SERVED_NEW, now: at(29) }));
    expect(retire).toMatchObject({ pins: [BACKUP, NEW], emergency: false, warnings: [] });
    states.push(rotationState(retire.rotation, at(29)));

    expect(states).toEqual(['scheduled', 'due', 'waiting', 'ready-to-switch', 'switched', 'retired']);
  });

  it('is due at once when planned without a time', () => {
    expect(rotationState(planned(), T0)).toBe('due');
  });

  it('records the switch only once, and only after publishing', () => {
    expect(recordServedChain(planned(), { servedPins: SERVED_NEW, now: T0 }).switchedAt).toBeNull();
    const switched = recordServedChain(published(), { servedPins: SERVED_NEW, now: at(30) });
    expect(recordServedChain(switched, { servedPins: SERVED_NEW, now: at(40) }).switchedAt).toEqual(at(30));
  });

  it('shows a switch before the wait is over as switched, and still refuses to retire until then', () => {
    const early = recordServedChain(published(), { servedPins: SERVED_NEW, now: at(1) });
    expect(rotationState(early, at(1))).toBe('switched');
    expect(refusal(retireOldPin(early, { pins: [OLD, BACKUP, NEW], servedPins: SERVED_NEW, now: at(2) }))).toBe(
      'too-early',
    );
  });

  it('keeps a published new pin that is already in the set once', () => {
    const rotation = ok(
      planRotation({ pins: [OLD, NEW, SPARE], oldPin: OLD, newPin: NEW, now: T0, maxConfigLifetimeSeconds: DAY_S }),
    ).rotation;
    expect(ok(publishRotation(rotation, { pins: [OLD, NEW, SPARE], now: T0 })).pins).toEqual([OLD, NEW, SPARE]);
  });
});

describe('planning refusals', () => {
  it.each<[string, Parameters<typeof planRotation>[0], RotationRefusalCode]>([
    [
      'the same pin',
      { pins: [OLD, BACKUP], oldPin: OLD, newPin: OLD, now: T0, maxConfigLifetimeSeconds: DAY_S },
      'same-pin',
    ],
    [
      'an old pin not in the set',
      { pins: [BACKUP], oldPin: OLD, newPin: NEW, now: T0, maxConfigLifetimeSeconds: DAY_S },
      'unknown-old-pin',
    ],
    [
      'a lifetime of zero',
      { pins: [OLD, BACKUP], oldPin: OLD, newPin: NEW, now: T0, maxConfigLifetimeSeconds: 0 },
      'invalid-lifetime',
    ],
    [
      'a fractional lifetime',
      { pins: [OLD, BACKUP], oldPin: OLD, newPin: NEW, now: T0, maxConfigLifetimeSeconds: 1.5 },
      'invalid-lifetime',
    ],
    [
      'a time in the past',
      { pins: [OLD, BACKUP], oldPin: OLD, newPin: NEW, now: T0, at: at(-1), maxConfigLifetimeSeconds: DAY_S },
      'start-in-the-past',
    ],
  ])('refuses %s', (_what, plan, code) => {
    expect(refusal(planRotation(plan))).toBe(code);
  });
});

describe('step refusals', () => {
  const switched = (): PinSetRotation => recordServedChain(published(), { servedPins: SERVED_NEW, now: at(25) });
  const retired = (): PinSetRotation =>
    ok(retireOldPin(switched(), { pins: [OLD, BACKUP, NEW], servedPins: SERVED_NEW, now: at(25) })).rotation;
  const cancelled = (): PinSetRotation => ok(cancelRotation(published(), at(1))).rotation;
  const retire = (rotation: PinSetRotation, pins: Pin[], servedPins: Pin[], hours: number) =>
    retireOldPin(rotation, { pins, servedPins, now: at(hours) });

  it.each<[string, () => RotationOutcome<unknown>, RotationRefusalCode]>([
    [
      'publishing twice',
      () => publishRotation(published(), { pins: [OLD, BACKUP, NEW], now: at(1) }),
      'already-published',
    ],
    [
      'publishing a cancelled rotation',
      () => publishRotation(ok(cancelRotation(planned(), T0)).rotation, { pins: [OLD, BACKUP], now: T0 }),
      'cancelled',
    ],
    [
      'publishing when the old pin has gone',
      () => publishRotation(planned(), { pins: [BACKUP], now: T0 }),
      'unknown-old-pin',
    ],
    ['retiring before publishing', () => retire(planned(), [OLD, BACKUP], SERVED_NEW, 48), 'not-published'],
    ['retiring during the wait', () => retire(switched(), [OLD, BACKUP, NEW], SERVED_NEW, 23), 'too-early'],
    [
      'retiring while the host still serves the old key',
      () => retire(published(), [OLD, BACKUP, NEW], SERVED_OLD, 25),
      'would-not-match-served-chain',
    ],
    ['retiring the last backup', () => retire(switched(), [OLD, NEW], SERVED_NEW, 25), 'would-leave-no-backup'],
    ['retiring twice', () => retire(retired(), [BACKUP, NEW], SERVED_NEW, 26), 'already-retired'],
    ['retiring a cancelled rotation', () => retire(cancelled(), [OLD, BACKUP, NEW], SERVED_NEW, 25), 'cancelled'],
    ['retiring a pin already gone', () => retire(switched(), [BACKUP, NEW], SERVED_NEW, 25), 'unknown-old-pin'],
    ['cancelling a retired rotation', () => cancelRotation(retired(), at(30)), 'already-retired'],
    ['cancelling twice', () => cancelRotation(cancelled(), at(2)), 'cancelled'],
  ])('refuses %s', (_what, step, code) => {
    expect(refusal(step())).toBe(code);
  });

  it('says when an early retire becomes allowed', () => {
    const outcome = retire(switched(), [OLD, BACKUP, NEW], SERVED_NEW, 23);
    expect(outcome).toEqual({
      ok: false,
      refusal: {
        code: 'too-early',
        message: expect.stringContaining(at(24).toISOString()) as string,
        allowedAt: at(24),
      },
    });
  });

  it('says when a scheduled rotation may be published', () => {
    const outcome = publishRotation(planned(5), { pins: [OLD, BACKUP], now: at(1) });
    expect(outcome.ok ? undefined : outcome.refusal.allowedAt).toEqual(at(5));
  });

  it('allows retiring exactly when the wait ends', () => {
    expect(retire(switched(), [OLD, BACKUP, NEW], SERVED_NEW, 24).ok).toBe(true);
  });

  it('cancels a scheduled or a published rotation, leaving the pins alone', () => {
    expect(rotationState(ok(cancelRotation(planned(5), T0)).rotation, T0)).toBe('cancelled');
    expect(rotationState(cancelled(), at(2))).toBe('cancelled');
  });
});

describe('emergency replace', () => {
  const replace = (overrides: Partial<Parameters<typeof emergencyReplace>[0]> = {}) =>
    emergencyReplace({
      pins: [OLD, BACKUP],
      oldPin: OLD,
      newPin: NEW,
      servedPins: SERVED_NEW,
      now: T0,
      maxConfigLifetimeSeconds: DAY_S,
      compromised: true,
      ...overrides,
    });

  it('replaces the old pin at once and says it was an emergency', () => {
    const outcome = ok(replace());
    expect(outcome).toMatchObject({ pins: [BACKUP, NEW], emergency: true, warnings: [] });
    expect(outcome.rotation).toMatchObject({ emergency: true, publishedAt: T0, retiredAt: T0, switchedAt: T0 });
    expect(rotationState(outcome.rotation, T0)).toBe('retired');
  });

  it('goes through while the host still serves the compromised key, with a warning', () => {
    const outcome = ok(replace({ servedPins: SERVED_OLD }));
    expect(outcome.pins).toEqual([BACKUP, NEW]);
    expect(outcome.warnings).toEqual([expect.stringContaining('switch the server')]);
  });

  it.each<[string, Partial<Parameters<typeof emergencyReplace>[0]>, RotationRefusalCode]>([
    ['without the explicit flag', { compromised: false }, 'not-confirmed'],
    ['of a pin not in the set', { pins: [BACKUP, SPARE] }, 'unknown-old-pin'],
    ['by the same pin', { newPin: OLD }, 'same-pin'],
  ])('refuses %s', (_what, overrides, code) => {
    expect(refusal(replace(overrides))).toBe(code);
  });

  it('retires a rotation in its wait at once with the flag, marked as an emergency', () => {
    const outcome = ok(
      retireOldPin(published(), { pins: [OLD, BACKUP, NEW], servedPins: SERVED_OLD, now: at(1), emergency: true }),
    );
    expect(outcome).toMatchObject({ pins: [BACKUP, NEW], emergency: true });
    expect(outcome.rotation.emergency).toBe(true);
  });
});
