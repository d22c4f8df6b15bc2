import type { z } from 'zod';
import type { TopicDefinition } from './topics';

/**
 * One event type at one version: where it is published, what its `data` looks like, and how its key is formed.
 * The key decides the partition (order) and, on compacted topics, which earlier events it replaces.
 */
export interface EventDefinition<Schema extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly version: number;
  readonly topic: TopicDefinition;
  readonly schema: Schema;
  readonly key: (tenant: string, data: z.output<Schema>) => string;
  readonly description: string;
}

export type EventData<Definition extends EventDefinition> = z.output<Definition['schema']>;

export function defineEvent<Schema extends z.ZodType>(definition: EventDefinition<Schema>): EventDefinition<Schema> {
  return definition;
}
