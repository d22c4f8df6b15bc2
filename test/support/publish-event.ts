import { type EventData, type EventDefinition, eventHeaders, topicName } from '@tessera/contracts';
import { produceRaw } from './kafka-probe';
import { catalog } from './messaging-fixture';

/** Publishes one event on its topic under `prefix`, as a service's outbox relay would (envelope, key, headers). */
export async function publishEvent<Definition extends EventDefinition>(
  brokers: string[],
  prefix: string,
  definition: Definition,
  tenant: string,
  data: EventData<Definition>,
): Promise<void> {
  const envelope = catalog.build(definition, { tenant, data, producer: 'test' });
  await produceRaw(brokers, topicName(definition.topic, prefix), [
    { key: envelope.key, value: JSON.stringify(envelope), headers: eventHeaders(envelope) },
  ]);
}
