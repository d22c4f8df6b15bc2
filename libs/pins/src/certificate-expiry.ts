import type { DomainPin, Pin } from '@tessera/contracts';

export const EXPIRY_STATUSES = ['ok', 'expiring', 'expired'] as const;
export type ExpiryStatus = (typeof EXPIRY_STATUSES)[number];

/** Days before `notAfter` from which a certificate counts as expiring, when not told otherwise. */
export const DEFAULT_EXPIRING_WITHIN_DAYS = 30;

const DAY_MS = 86_400_000;

/** The soonest-expiring certificate among a domain's pins, for the expiry metric and the CLI. */
export interface CertificateExpiry {
  pin: Pin;
  subject: string;
  notAfter: string;
  /** Whole days left at `now`, rounded down; negative once expired. */
  daysLeft: number;
  status: ExpiryStatus;
}

/**
 * The expiry of the soonest `notAfter` among the pins that came from a certificate (typed-in and backup pins carry
 * none); undefined when no pin did.
 */
export function certificateExpiry(
  pins: readonly DomainPin[],
  now: Date,
  expiringWithinDays = DEFAULT_EXPIRING_WITHIN_DAYS,
): CertificateExpiry | undefined {
  let soonest: { pin: Pin; subject: string; notAfter: string; time: number } | undefined;
  for (const { pin, certificate } of pins) {
    if (certificate === null) continue;
    const time = Date.parse(certificate.notAfter);
    if (soonest === undefined || time < soonest.time)
      soonest = { pin, subject: certificate.subject, notAfter: certificate.notAfter, time };
  }
  if (soonest === undefined) return undefined;
  const left = soonest.time - now.getTime();
  const status: ExpiryStatus = left <= 0 ? 'expired' : left <= expiringWithinDays * DAY_MS ? 'expiring' : 'ok';
  return {
    pin: soonest.pin,
    subject: soonest.subject,
    notAfter: soonest.notAfter,
    daysLeft: Math.floor(left / DAY_MS),
    status,
  };
}
