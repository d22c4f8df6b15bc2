import type { DomainPin } from '@tessera/contracts';

/**
 * Why a pin set cannot be written, or undefined when it can. Every set holds at least two distinct pins, one of them
 * a backup: the key the server team switches to when the one in force must go, which apps must already accept.
 */
export function pinSetProblem(pins: readonly DomainPin[]): string | undefined {
  if (new Set(pins.map((p) => p.pin)).size !== pins.length) return 'a pin appears twice in the set';
  if (pins.length < 2) return 'a pin set needs at least two pins: the one in force and a backup';
  if (!pins.some((p) => p.source === 'backup')) {
    return 'a pin set needs a backup pin (source "backup"): a key that is not served today, for the day the served one must go';
  }
  if (pins.every((p) => p.source === 'backup')) return 'a pin set needs a pin in force besides its backups';
  return undefined;
}
