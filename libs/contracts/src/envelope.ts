import { z } from 'zod';

/** Lower-case dotted event type: `<entity>.<what happened>`, e.g. `revocation.upserted`. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** A tenant id as it appears in events and keys; `system` is reserved for platform-wide events. */
export const TenantIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'tenant id: a-z, 0-9 and -, 1-63 chars');

/**
 * The envelope every event travels in, whatever its type. `data` is checked against the schema that the event
 * catalog holds for (`type`, `version`).
 */
export const EventEnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(EVENT_TYPE_PATTERN, 'event type: dotted lower-case, e.g. revocation.upserted'),
  version: z.number().int().positive(),
  tenant: TenantIdSchema,
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.string().min(1).max(64),
  key: z.string().min(1).max(512),
  data: z.unknown(),
});

export type EventEnvelope<Data = unknown> = Omit<z.infer<typeof EventEnvelopeSchema>, 'data'> & { data: Data };

/** Kafka headers carried beside the JSON value, so routing and dead-lettering need not parse the body. */
export const EventHeaders = {
  id: 'tessera-event-id',
  type: 'tessera-event-type',
  version: 'tessera-event-version',
  tenant: 'tessera-tenant',
  contentType: 'content-type',
} as const;

/** The headers an event's Kafka message carries, from its envelope. */
export function eventHeaders(envelope: EventEnvelope): Record<string, string> {
  return {
    [EventHeaders.id]: envelope.id,
    [EventHeaders.type]: envelope.type,
    [EventHeaders.version]: String(envelope.version),
    [EventHeaders.tenant]: envelope.tenant,
    [EventHeaders.contentType]: 'application/json',
  };
}

/** Headers a dead-lettered message carries in addition to its original ones. */
export const DeadLetterHeaders = {
  reason: 'tessera-dlt-reason',
  sourceTopic: 'tessera-dlt-source-topic',
  sourcePartition: 'tessera-dlt-source-partition',
  sourceOffset: 'tessera-dlt-source-offset',
  consumerGroup: 'tessera-dlt-consumer-group',
  failedAt: 'tessera-dlt-failed-at',
} as const;
