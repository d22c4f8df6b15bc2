import { PinSchema } from '@tessera/contracts';
import { z } from 'zod';
import { TypedPinSchema } from '../domains/domains.schemas';

export const RotationIdParam = z.uuid({ error: 'expected a rotation id (UUID)' });

const distinct = (pins: readonly string[]) => new Set(pins).size === pins.length;

/** The PEM of the chain the host serves (leaf first), when the service is not to fetch it from the live host. */
const ServedChainPem = z.string().min(1).max(200_000);

export const PlanRotationBody = z.strictObject({
  newPins: z
    .array(z.strictObject({ pin: PinSchema, label: z.string().trim().min(1).max(100).optional() }))
    .min(1)
    .max(20)
    .refine((pins) => distinct(pins.map(({ pin }) => pin)), 'a new pin is named more than once'),
  retirePins: z.array(PinSchema).min(1).max(20).refine(distinct, 'a pin to retire is named more than once'),
  /** When to publish; at once when not given. */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type PlanRotation = z.output<typeof PlanRotationBody>;

export const RetireBody = z.strictObject({ servedChainPem: ServedChainPem.optional() }).default({});
export type Retire = z.output<typeof RetireBody>;

export const EmergencyReplaceBody = z.strictObject({
  /** The domain's whole set after the replace: without the compromised pins, with their replacements. */
  pins: z.array(TypedPinSchema).min(1, 'give the new set: at least its pin in force and a backup').max(20),
  /** The explicit flag that a key is compromised: the wait and the served-chain checks are skipped. */
  compromised: z.boolean().optional(),
  reason: z.string().trim().min(1).max(500),
  servedChainPem: ServedChainPem.optional(),
});
export type EmergencyReplace = z.output<typeof EmergencyReplaceBody>;
