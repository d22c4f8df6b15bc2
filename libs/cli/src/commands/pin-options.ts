import { InvalidArgumentError } from 'commander';
import type { TypedPin } from '../api/pins-requests';
import type { DomainPin } from '@tessera/contracts';
import type { ProtectedDomain } from '../api/pins-views';
import type { AdminApiClient } from '../api/admin-api-client';
import { CliError } from '../errors';
import { ExitCode } from '../exit-codes';
import { formatTime } from '../output/format';
import { isUuid } from './resolve';

/** Base64 of a SHA-256 (44 characters, one `=`): what the API takes; checked here for a clear message at once. */
const PIN = /^[A-Za-z0-9+/]{43}=$/;

/**
 * `<pin>` or `<pin>:<label>` (a colon is not base64, so it cannot be part of the pin), for the repeatable pin options.
 */
export function pinArgument(source: TypedPin['source']) {
  return (value: string, previous: TypedPin[] | undefined): TypedPin[] => {
    const colon = value.indexOf(':');
    const pin = (colon < 0 ? value : value.slice(0, colon)).trim();
    const label = colon < 0 ? undefined : value.slice(colon + 1).trim();
    if (!PIN.test(pin)) {
      throw new InvalidArgumentError(
        'expected a pin: the base64 SHA-256 of a SubjectPublicKeyInfo (44 characters), optionally :label',
      );
    }
    const typed: TypedPin = { pin, ...(source ? { source } : {}), ...(label ? { label } : {}) };
    return [...(previous ?? []), typed];
  };
}

/** A pin alone (`--retire <pin>`), repeatable. */
export function barePin(value: string, previous: string[] | undefined): string[] {
  const pin = value.trim();
  if (!PIN.test(pin)) {
    throw new InvalidArgumentError('expected a pin: the base64 SHA-256 of a SubjectPublicKeyInfo (44 characters)');
  }
  return [...(previous ?? []), pin];
}

/** `<pattern>` (the only domain with it) or `<pattern>:<port>`, or a domain id. */
export async function resolveDomainId(client: AdminApiClient, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const match = /^(.+):(\d{1,5})$/.exec(ref);
  const [pattern, port] = match ? [match[1], Number(match[2])] : [ref, undefined];
  const { items } = await client.listDomains();
  const found = items.filter((d) => d.pattern === pattern && (port === undefined || d.port === port));
  const [first, ...others] = found;
  if (!first) throw new CliError(`no protected domain ${ref} (tessera pins list shows them)`, ExitCode.notFound);
  if (others.length > 0) {
    throw new CliError(`${ref} is protected on ${found.length} ports: name one (${pattern}:<port>)`, ExitCode.failure, [
      ...found.map((d) => `${d.pattern}:${d.port}  ${d.id}`),
    ]);
  }
  return first.id;
}

/** `ok, 212 days left (2027-07-01T00:00:00Z)`, or `-` when no pin came from a certificate. */
export function describeExpiry(domain: Pick<ProtectedDomain, 'certificateExpiry'>): string {
  const expiry = domain.certificateExpiry;
  if (!expiry) return '-';
  const left = expiry.daysLeft < 0 ? `expired ${-expiry.daysLeft} days ago` : `${expiry.daysLeft} days left`;
  return `${expiry.status}, ${left} (${formatTime(expiry.notAfter)})`;
}

/** One line of a pin: `<pin>  backup  "label"  CN=api.example.com until 2027-...`. */
export function describePin(pin: DomainPin): string {
  return [
    pin.pin,
    pin.source,
    ...(pin.label ? [`"${pin.label}"`] : []),
    ...(pin.certificate ? [`${pin.certificate.subject} until ${formatTime(pin.certificate.notAfter)}`] : []),
  ].join('  ');
}
