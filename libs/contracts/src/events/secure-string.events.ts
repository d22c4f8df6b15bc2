import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');

/**
 * A value sealed with AES-256-GCM under a key-encryption key (KEK) of the deployment. The additional data
 * binds it to its tenant, app and name, so a sealed value moved elsewhere does not open.
 */
export const SealedValueSchema = z.object({
  alg: z.literal('A256GCM'),
  /** Which KEK sealed it (KEKs rotate; older ones stay configured for opening). */
  kekId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  iv: base64,
  ciphertext: base64,
  tag: base64,
});
export type SealedValue = z.output<typeof SealedValueSchema>;

/** The most secure strings an app may hold (the registration service refuses more; the SDK holds at most these). */
export const MAX_SECURE_STRINGS = 100;
/** The longest secure string value, in UTF-8 bytes: secure strings are API keys and the like, not files. */
export const MAX_SECURE_STRING_BYTES = 4096;

/** What a secure string's name may be (also the admin API's rule). */
export const SecureStringNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'expected a name of 1-64 letters, digits, _ . -, starting with a letter');

/**
 * The additional data a secure string is sealed with: `<tenant>/<app id>/<name>`. The sealing service and the
 * service that opens the value for an attested app both compute it, so it is part of the contract.
 */
export function secureStringAad(tenant: string, appId: string, name: string): string {
  return `${tenant}/${appId}/${name}`;
}

/** A named secret of an app, delivered only to attested installations; the event carries ciphertext only. */
export const SecureStringUpsertedV1 = defineEvent({
  type: 'secure-string.upserted',
  version: 1,
  topic: Topics.registry,
  description: 'a secure string of an app was set; sealed under the KEK (a tombstone on its key deletes it)',
  schema: z.object({
    secureStringId: z.uuid(),
    appId: z.uuid(),
    name: SecureStringNameSchema,
    version: z.number().int().positive(),
    sealed: SealedValueSchema,
  }),
  key: (tenant, data) => `${tenant}/secure-string/${data.secureStringId}`,
});
