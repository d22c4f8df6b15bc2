import { tmpdir } from 'node:os';
import { isAbsolute } from 'node:path';
import { databaseServiceShape, kekShape, positiveInt } from '@tessera/config';
import { z } from 'zod';

export const registrationConfigSchema = z
  .object({
    ...databaseServiceShape(3001, 'registration'),
    /** Seals secure strings at rest (required); previous KEKs still open what they sealed. */
    ...kekShape(),
    /** How often expired registrations, device overrides and revocations get their tombstone and audit entry. */
    EXPIRY_SWEEP_INTERVAL_MS: positiveInt(5000, 'an interval in milliseconds'),
    /** The largest APK `POST /v1/registrations/apk` takes (streamed to a temp file, never held in memory). */
    REGISTRATION_APK_MAX_BYTES: positiveInt(256 * 1024 * 1024, 'a size in bytes (positive integer)'),
    /** Where uploaded APKs are kept while they are read (deleted right after): a directory with room for them. */
    REGISTRATION_UPLOAD_DIR: z.string().refine(isAbsolute, 'expected an absolute directory path').default(tmpdir()),
    /** With TESSERA_BOOTSTRAP_ADMIN_KEY: the tenant that key is installed for, at startup, if it has no key yet. */
    TESSERA_BOOTSTRAP_TENANT: z
      .string()
      .regex(/^[a-z0-9-]{1,63}$/, 'expected a tenant id: 1-63 of a-z, 0-9 and -')
      .optional(),
    /** An admin key chosen by the operator (tsk_<16 hex>_<43 base64url>); stored as a hash, never logged. */
    TESSERA_BOOTSTRAP_ADMIN_KEY: z
      .string()
      .regex(/^tsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/, 'expected an API key tsk_<16 hex>_<43 base64url characters>')
      .optional(),
  })
  .refine((c) => (c.TESSERA_BOOTSTRAP_TENANT === undefined) === (c.TESSERA_BOOTSTRAP_ADMIN_KEY === undefined), {
    path: ['TESSERA_BOOTSTRAP_ADMIN_KEY'],
    error: 'TESSERA_BOOTSTRAP_TENANT and TESSERA_BOOTSTRAP_ADMIN_KEY go together',
  });

export type RegistrationConfig = z.output<typeof registrationConfigSchema>;

/**
 * What `main.js bootstrap` reads: the database and the topic prefix only. It seals nothing, so it needs no KEK.
 */
export const bootstrapCommandConfigSchema = z.object(databaseServiceShape(3001, 'registration'));
