import { DomainPatternSchema, PinModeSchema, PinSchema } from '@tessera/contracts';
import { z } from 'zod';

export const DomainIdParam = z.uuid({ error: 'expected a domain id (UUID)' });

/** A pin typed in by the server team: the pin in force (`manual`) or a backup key's (`backup`). */
export const TypedPinSchema = z.strictObject({
  pin: PinSchema,
  source: z.enum(['manual', 'backup']).default('manual'),
  label: z.string().trim().min(1).max(100).optional(),
});

/** The certificates of the chain a pin set is computed from: `leaf`, `intermediate` (managed trust) or `root`. */
const PinnedPlace = z.enum(['leaf', 'intermediate', 'root']);

export const CreateDomainBody = z
  .strictObject({
    pattern: DomainPatternSchema,
    port: z.number().int().min(1).max(65_535).default(443),
    mode: PinModeSchema.default('pinned'),
    /** The apps whose config carries the domain; omitted or null: every app of the tenant. */
    appIds: z.array(z.uuid()).min(1).max(500).nullable().default(null),
    /** Pins typed in: backups (source "backup"), or the pins themselves when no chain is given. */
    pins: z.array(TypedPinSchema).max(20).default([]),
    /** The chain the host serves, PEM, leaf first: its pins are computed (which ones: `use`). */
    certificatePem: z.string().min(1).max(65_536, 'a PEM chain is at most 64 KiB').optional(),
    /** Read the chain from the live host (a TLS handshake with it; an exact pattern names the host). */
    fromHost: z.boolean().default(false),
    /** Which certificates of the chain to pin; default: the leaf, or the intermediates under managed trust. */
    use: PinnedPlace.optional(),
  })
  .refine((body) => !(body.certificatePem && body.fromHost), {
    message: 'give certificatePem or fromHost, not both',
  })
  .refine((body) => !body.fromHost || !body.pattern.startsWith('*.'), {
    message: 'fromHost needs an exact pattern (a wildcard names no host to connect to): give certificatePem instead',
  })
  .refine((body) => body.pins.length > 0 || body.certificatePem !== undefined || body.fromHost, {
    message: 'give the pins: typed in (pins), from a chain (certificatePem), or from the live host (fromHost)',
  });
export type CreateDomain = z.output<typeof CreateDomainBody>;
