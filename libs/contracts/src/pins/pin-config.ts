import { z } from 'zod';
import { TenantIdSchema } from '../envelope';
import { DomainPatternSchema, PinSchema } from './pin-shapes';

/** The `typ` of a signed pin config (a JWS, ES256, with the `kid` of a key in the pins service's JWKS). */
export const PIN_CONFIG_TYPE = 'tessera-pins+jws';
/** The longest signed pin config accepted, in characters. */
export const MAX_PIN_CONFIG_LENGTH = 65_536;

/**
 * The payload of an app's signed pin config: for each protected domain, the pins the app must see in the served
 * chain (at least one of them). The SDK uses a config only if its signature verifies with a key it ships and it
 * has not expired, and never one older than the one it has.
 */
export const PinConfigSchema = z.strictObject({
  tenant: TenantIdSchema,
  appId: z.uuid(),
  /** Grows with every change of the app's pins. */
  version: z.number().int().nonnegative(),
  /** Seconds since the epoch. */
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  domains: z
    .array(
      z.strictObject({
        pattern: DomainPatternSchema,
        /** At least two: the pins in force and a backup that is not in the served chain. */
        pins: z.array(PinSchema).min(1).max(20),
      }),
    )
    .max(200),
});
export type PinConfig = z.output<typeof PinConfigSchema>;
