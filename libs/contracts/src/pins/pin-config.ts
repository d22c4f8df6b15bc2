import { z } from 'zod';
import { TenantIdSchema } from '../envelope';
import { MAX_SECURE_STRING_BYTES, MAX_SECURE_STRINGS, SecureStringNameSchema } from '../events/secure-string.events';
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

/**
 * A public key that signs pin configs, as the pins service publishes it and the app ships it: EC P-256, ES256, with
 * the `kid` the config's header names. Public members only: a `d` (private key) is refused.
 */
export const PinConfigKeySchema = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a P-256 coordinate: 43 characters of base64url'),
  y: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a P-256 coordinate: 43 characters of base64url'),
  kid: z.string().min(1).max(128),
  alg: z.literal('ES256').optional(),
  use: z.literal('sig').optional(),
});
export type PinConfigKey = z.output<typeof PinConfigKeySchema>;

/** The JWKS of the pin config signing keys: the one in force and, during a key rotation, the next or the last. */
export const PinConfigKeySetSchema = z.strictObject({
  keys: z
    .array(PinConfigKeySchema)
    .min(1)
    .max(10)
    .refine((keys) => new Set(keys.map((key) => key.kid)).size === keys.length, 'every key needs a kid of its own'),
});
export type PinConfigKeySet = z.output<typeof PinConfigKeySetSchema>;

/** UTF-8 length without TextEncoder or Buffer (React Native-safe); a lone surrogate counts as U+FFFD, 3 bytes. */
function utf8Length(value: string): number {
  let bytes = 0;
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * An app's secure strings in the clear, name to value, as `GET /v1/config` delivers them to an attested app. Names
 * are what the registration service allows (`SecureStringNameSchema`). Messages never quote a value.
 */
export const SecureStringsSchema = z
  .record(
    SecureStringNameSchema,
    z.string().refine((value) => utf8Length(value) <= MAX_SECURE_STRING_BYTES, {
      error: `at most ${MAX_SECURE_STRING_BYTES} bytes (UTF-8)`,
    }),
  )
  .refine((strings) => Object.keys(strings).length <= MAX_SECURE_STRINGS, {
    error: `at most ${MAX_SECURE_STRINGS} secure strings`,
  });
export type SecureStringsRecord = z.output<typeof SecureStringsSchema>;

/**
 * The answer of the pins service's `GET /v1/config` (to a request with a valid Tessera token): the signed config,
 * the tenant's pin config version (the config's own `version` is the one that counts: it is signed), and the app's
 * secure strings. Not strict: members added later are ignored.
 */
export const PinConfigResponseSchema = z.object({
  config: z.string().min(1).max(MAX_PIN_CONFIG_LENGTH),
  version: z.number().int().nonnegative(),
  secureStrings: SecureStringsSchema,
});
export type PinConfigResponse = z.output<typeof PinConfigResponseSchema>;
