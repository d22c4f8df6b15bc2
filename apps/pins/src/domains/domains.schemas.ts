import { DomainPatternSchema, PinModeSchema, PinSchema } from '@tessera/contracts';
import { z } from 'zod';

export const DomainIdParam = z.uuid({ error: 'expected a domain id (UUID)' });

/** A pin typed in by the server team: the pin in force (`manual`) or a backup key's (`backup`). */
const TypedPin = z.strictObject({
  pin: PinSchema,
  source: z.enum(['manual', 'backup']).default('manual'),
  label: z.string().trim().min(1).max(100).optional(),
});

export const CreateDomainBody = z.strictObject({
  pattern: DomainPatternSchema,
  port: z.number().int().min(1).max(65_535).default(443),
  mode: PinModeSchema.default('pinned'),
  /** The apps whose config carries the domain; omitted or null: every app of the tenant. */
  appIds: z.array(z.uuid()).min(1).max(500).nullable().default(null),
  pins: z.array(TypedPin).min(1).max(20),
});
export type CreateDomain = z.output<typeof CreateDomainBody>;
