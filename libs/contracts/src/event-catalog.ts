import { z } from 'zod';
import type { EventDefinition, EventData } from './event-definition';
import { type EventEnvelope, EventEnvelopeSchema } from './envelope';
import { ALL_EVENTS } from './events';

export type ParsedEvent =
  { ok: true; envelope: EventEnvelope; definition: EventDefinition } | { ok: false; reason: string };

export interface NewEvent<Definition extends EventDefinition> {
  tenant: string;
  producer: string;
  data: EventData<Definition>;
  /** Defaults to a new UUID; set it to make a retried write produce the same event. */
  id?: string;
  occurredAt?: Date;
}

/**
 * Consumers check every message and producers every event, so both go through zod's ahead-of-time compiled schemas:
 * generated code for a value the schema accepts (several times faster), zod's own parser for any other, so the
 * result and the issues are those of the schema itself.
 */
const compiledEnvelopeSchema = z.compile(EventEnvelopeSchema);

/** Looks up event definitions by (type, version), builds envelopes for producers and checks them for consumers. */
export class EventCatalog {
  private readonly byTypeVersion = new Map<string, EventDefinition>();
  private readonly compiledDataSchemas = new Map<EventDefinition, z.ZodType>();

  constructor(definitions: readonly EventDefinition[] = ALL_EVENTS) {
    for (const definition of definitions) {
      const id = EventCatalog.id(definition.type, definition.version);
      if (this.byTypeVersion.has(id)) throw new Error(`event ${id} is defined twice`);
      this.byTypeVersion.set(id, definition);
      this.compiledDataSchemas.set(definition, z.compile(definition.schema));
    }
  }

  /** The definition's schema, compiled when it is one of this catalog's. */
  private dataSchema(definition: EventDefinition): z.ZodType {
    return this.compiledDataSchemas.get(definition) ?? definition.schema;
  }

  private static id(type: string, version: number): string {
    return `${type}@v${version}`;
  }

  find(type: string, version: number): EventDefinition | undefined {
    return this.byTypeVersion.get(EventCatalog.id(type, version));
  }

  /** Builds a validated envelope; a producer cannot emit an event its own contract would refuse. */
  build<Definition extends EventDefinition>(
    definition: Definition,
    event: NewEvent<Definition>,
  ): EventEnvelope<EventData<Definition>> {
    const data = this.dataSchema(definition).parse(event.data) as EventData<Definition>;
    const envelope = {
      // The global WebCrypto, not node:crypto: the contracts are imported by the SDK, which runs on React Native too.
      id: event.id ?? crypto.randomUUID(),
      type: definition.type,
      version: definition.version,
      tenant: event.tenant,
      occurredAt: (event.occurredAt ?? new Date()).toISOString(),
      producer: event.producer,
      key: definition.key(event.tenant, data),
      data,
    };
    compiledEnvelopeSchema.parse(envelope);
    return envelope;
  }

  /** Checks a consumed value: JSON, envelope, a known (type, version), and data valid for it. */
  parse(value: Buffer | string): ParsedEvent {
    let json: unknown;
    try {
      json = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
    } catch {
      return { ok: false, reason: 'value is not JSON' };
    }
    const envelope = compiledEnvelopeSchema.safeParse(json);
    if (!envelope.success) return { ok: false, reason: `envelope invalid: ${describeIssues(envelope.error)}` };
    const definition = this.find(envelope.data.type, envelope.data.version);
    if (!definition) {
      return { ok: false, reason: `unknown event ${EventCatalog.id(envelope.data.type, envelope.data.version)}` };
    }
    const data = this.dataSchema(definition).safeParse(envelope.data.data);
    if (!data.success) {
      return {
        ok: false,
        reason: `data invalid for ${definition.type}@v${definition.version}: ${describeIssues(data.error)}`,
      };
    }
    return { ok: true, envelope: { ...envelope.data, data: data.data }, definition };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
