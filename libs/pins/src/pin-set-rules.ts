import type { DomainPin, Pin, PinMode } from '@tessera/contracts';
import { type CertificatePin, type CertificatePlace, domainPinOf } from './certificate-pins';

/** The most pins a domain may hold (the signed config's limit). */
export const MAX_PINS_PER_DOMAIN = 20;

/**
 * What can be wrong with a domain's pin set. The checks against the served chain (`no-backup-pin`,
 * `no-pin-matches-served-chain`, the chain part of `managed-trust-not-intermediates`) run only when the chain the
 * host serves is known.
 */
export const PIN_SET_PROBLEMS = [
  'no-pins',
  'too-few-pins',
  'too-many-pins',
  'duplicate-pin',
  'no-backup-pin',
  'no-pin-matches-served-chain',
  'managed-trust-not-intermediates',
] as const;
export type PinSetProblemCode = (typeof PIN_SET_PROBLEMS)[number];

export interface PinSetProblem {
  code: PinSetProblemCode;
  /** One sentence for the admin API and the CLI. */
  message: string;
}

export interface PinSetProposal {
  mode: PinMode;
  pins: readonly Pick<DomainPin, 'pin' | 'source'>[];
  /** The chain the domain's host serves now, leaf first, when known (fetched or uploaded). */
  servedChain?: readonly Pick<CertificatePin, 'pin' | 'place'>[];
}

/** What is wrong with a proposed pin set, each once, in the order of PIN_SET_PROBLEMS; empty when it may be saved. */
export function checkPinSet({ mode, pins, servedChain }: PinSetProposal): PinSetProblem[] {
  const problems: PinSetProblem[] = [];
  const add = (code: PinSetProblemCode, message: string): void => {
    problems.push({ code, message });
  };
  const distinct = new Set(pins.map(({ pin }) => pin));

  if (pins.length === 0) add('no-pins', 'the set holds no pin: an app could not connect to the domain at all');
  else if (distinct.size < 2)
    add('too-few-pins', 'the set needs at least two pins: the one in force and a backup not in the served chain');
  if (pins.length > MAX_PINS_PER_DOMAIN)
    add('too-many-pins', `the set holds ${pins.length} pins; at most ${MAX_PINS_PER_DOMAIN} are allowed`);
  if (distinct.size < pins.length)
    add('duplicate-pin', `the set holds a pin more than once: ${duplicates(pins).join(', ')}`);

  if (servedChain !== undefined && pins.length > 0) {
    const served = new Set(servedChain.map(({ pin }) => pin));
    if ([...distinct].every((pin) => served.has(pin)))
      add(
        'no-backup-pin',
        'every pin is in the chain the host serves: add a backup pin (a spare key not in use) so a compromised or lost key can be replaced without locking apps out',
      );
    if (![...distinct].some((pin) => served.has(pin)))
      add(
        'no-pin-matches-served-chain',
        'no pin matches the chain the host serves now: apps would refuse every connection to it',
      );
  }

  // Without the served chain, only the set itself can say which pin is the spare: one must be marked so.
  if (servedChain === undefined && pins.length > 0 && !pins.some(({ source }) => source === 'backup'))
    add(
      'no-backup-pin',
      'no pin is marked as the backup (source "backup"): add the pin of a spare key not in use, so a compromised or lost key can be replaced without locking apps out',
    );

  if (mode === 'managed-trust') {
    const problem = managedTrustProblem(pins, servedChain);
    if (problem !== undefined) add('managed-trust-not-intermediates', problem);
  }
  return problems;
}

/**
 * Managed trust pins the issuing CA's intermediates (plus a backup), so the server team can renew its leaf from that
 * CA without a pin change: a leaf or root pin, or no intermediate pin, defeats it.
 */
function managedTrustProblem(
  pins: PinSetProposal['pins'],
  servedChain: PinSetProposal['servedChain'],
): string | undefined {
  const placeOf = new Map<Pin, CertificatePlace>(servedChain?.map(({ pin, place }) => [pin, place]));
  const places = pins.map(({ pin, source }) => placeOf.get(pin) ?? source);
  if (places.some((place) => place === 'leaf' || place === 'root'))
    return 'managed trust pins the issuing CA’s intermediates: remove the leaf and root pins';
  if (servedChain !== undefined && !servedChain.some(({ place }) => place === 'intermediate'))
    return 'managed trust needs a host that serves an intermediate certificate; this one serves none';
  if (servedChain !== undefined && !pins.some(({ pin }) => placeOf.get(pin) === 'intermediate'))
    return 'managed trust pins the issuing CA’s intermediates: none of the served intermediates is pinned';
  if (servedChain === undefined && !places.includes('intermediate'))
    return 'managed trust pins the issuing CA’s intermediates: the set holds no intermediate pin';
  return undefined;
}

function duplicates(pins: PinSetProposal['pins']): Pin[] {
  const seen = new Set<Pin>();
  const repeated = new Set<Pin>();
  for (const { pin } of pins) (seen.has(pin) ? repeated : seen).add(pin);
  return [...repeated];
}

/**
 * The pins `--from-host` proposes for the chain a host serves: the leaf, the intermediates (for managed trust) or
 * the root. A backup must still be added. Empty when the chain holds no certificate of that place (a server that
 * does not send its root, as most do not).
 */
export function pinsFromServedChain(servedChain: readonly CertificatePin[], choice: CertificatePlace): DomainPin[] {
  return servedChain.filter(({ place }) => place === choice).map((certificatePin) => domainPinOf(certificatePin));
}
