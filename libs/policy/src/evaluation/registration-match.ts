import type { AppMeasurement, RegistryReason } from '@tessera/contracts';
import type { AttestationFacts, RegistrationRecord } from './attestation-facts';
import { buildMatches } from './build-match';
import { inForceAt } from './in-force';

export type RegistrationRefusal = Extract<
  RegistryReason,
  'unregistered-build' | 'registration-expired' | 'registration-revoked'
>;

/**
 * The registration the measured build attests under, or why there is none. A refused match still names the
 * registration it was refused for (the preferred of the expired or revoked ones), so the audit trail names the
 * build; it is null only when no registration has the build at all.
 */
export type RegistrationMatch =
  | { usable: true; registrationId: string }
  | { usable: false; registrationId: string | null; reason: RegistrationRefusal };

/**
 * Matches the build against every registration of the app: none has it → `unregistered-build`; all that have it
 * are expired → `registration-expired`; every unexpired one is revoked → `registration-revoked`. Among those that
 * qualify, the choice does not depend on the order the registry lists them in (`preferredRegistration`).
 */
export function matchRegistration(
  facts: Pick<AttestationFacts, 'now' | 'registrations' | 'isRevoked'>,
  measurement: AppMeasurement,
): RegistrationMatch {
  const matching = facts.registrations.filter((registration) => buildMatches(registration.build, measurement));
  const unexpired = matching.filter((registration) => inForceAt(registration.expiresAt, facts.now));
  const usable = unexpired.filter((registration) => !facts.isRevoked('registration', registration.registrationId));
  const chosen = preferredRegistration(usable);
  if (chosen !== undefined) return { usable: true, registrationId: chosen.registrationId };
  if (unexpired.length > 0) return refused('registration-revoked', unexpired);
  if (matching.length > 0) return refused('registration-expired', matching);
  return { usable: false, registrationId: null, reason: 'unregistered-build' };
}

/** A refusal naming the preferred of the registrations it refuses. */
function refused(reason: RegistrationRefusal, among: readonly RegistrationRecord[]): RegistrationMatch {
  return { usable: false, registrationId: preferredRegistration(among)?.registrationId ?? null, reason };
}

/**
 * The registration that stays in force the longest (one that never expires, else the latest to expire), then the
 * newest, then the smallest id: a standing registration is named rather than a short-lived one overlapping it
 * (a test build registered for ten minutes), and the same facts give the same id whatever their order.
 */
function preferredRegistration(registrations: readonly RegistrationRecord[]): RegistrationRecord | undefined {
  let best: RegistrationRecord | undefined;
  for (const registration of registrations) {
    if (best === undefined || preferable(registration, best)) best = registration;
  }
  return best;
}

function preferable(a: RegistrationRecord, b: RegistrationRecord): boolean {
  const [endA, endB] = [endOf(a), endOf(b)];
  if (endA !== endB) return endA > endB;
  const [createdA, createdB] = [timeOf(a.createdAt), timeOf(b.createdAt)];
  if (createdA !== createdB) return createdA > createdB;
  return a.registrationId < b.registrationId;
}

/** Infinity for a registration that never expires. */
function endOf(registration: RegistrationRecord): number {
  return registration.expiresAt === null ? Infinity : timeOf(registration.expiresAt);
}

/** A time that cannot be read sorts last; NaN would make the order depend on the input's. */
function timeOf(iso: string): number {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? -Infinity : time;
}
