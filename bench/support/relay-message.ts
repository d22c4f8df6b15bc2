import { type EventEnvelope, eventHeaders } from '@tessera/contracts';
import type { Message } from 'kafkajs';

/**
 * An event as the outbox relay publishes it: the writer's headers, and as value the JSON of the envelope after its
 * round trip through the outbox's jsonb column, whose objects come back with their keys shortest first, then in
 * byte order (Postgres' jsonb key order).
 */
export function relayMessage(envelope: EventEnvelope): Message {
  return {
    key: envelope.key,
    value: JSON.stringify(inJsonbKeyOrder(envelope)),
    headers: eventHeaders(envelope),
  };
}

/**
 * A copy of `value` whose objects list their keys as jsonb returns them. The contracts' field names are ASCII, so
 * length and code-unit order are jsonb's byte length and byte order.
 */
export function inJsonbKeyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inJsonbKeyOrder);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([, field]) => field !== undefined);
  entries.sort(([a], [b]) => a.length - b.length || (a < b ? -1 : 1));
  return Object.fromEntries(entries.map(([key, field]) => [key, inJsonbKeyOrder(field)]));
}
