import { PLATFORMS, Sha256HexSchema, VersionCodeSchema } from '@tessera/contracts';
import { z } from 'zod';
import { expiryStatus, idCursor, limit, name, uuid } from '../http/common-schemas';
import { atMostOneExpiry, bothExpiries, expiryFields } from '../http/duration';

export const RegistrationIdParam = uuid('a registration id');

const DIGEST_FORMAT =
  'expected a SHA-256 digest: 64 hex characters, or 32 colon-separated pairs as apksigner and keytool print them';

/** A certificate digest as people copy it (`AB:CD:...` from keytool, or plain hex), stored as lowercase hex. */
export const CertificateDigest = z
  .string({ error: DIGEST_FORMAT })
  .trim()
  .regex(/^(?:[0-9A-Fa-f]{64}|(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})$/, DIGEST_FORMAT)
  .transform((digest) => digest.replaceAll(':', '').toLowerCase())
  .pipe(Sha256HexSchema);

const distinct = (digests: string[]) => new Set(digests).size === digests.length;

const versionCode = VersionCodeSchema;

/**
 * A registration from typed fields. The platform is the app's, so the fields of both platforms are accepted here
 * and the service refuses those of the other platform once it knows the app.
 */
export const CreateRegistrationBody = z
  .strictObject({
    appId: uuid('an app id'),
    // Android
    versionCode: versionCode.optional(),
    versionCodes: z
      .strictObject({ min: versionCode, max: versionCode.nullable().optional() })
      .refine((range) => range.max === undefined || range.max === null || range.min <= range.max, {
        error: 'min must not be greater than max',
      })
      .optional(),
    signingCertificateSha256: z
      .array(CertificateDigest, { error: 'expected an array of SHA-256 digests' })
      .min(1, 'at least one signing certificate digest')
      .max(10, 'at most 10 signing certificate digests')
      .refine(distinct, 'each digest at most once')
      .optional(),
    lineageCertificateSha256: z
      .array(CertificateDigest, { error: 'expected an array of SHA-256 digests' })
      .max(20, 'at most 20 lineage certificate digests')
      .refine(distinct, 'each digest at most once')
      .optional(),
    versionName: name(100).optional(),
    // iOS
    version: name(100).optional(),
    ...expiryFields,
  })
  .refine((body) => body.versionCode === undefined || body.versionCodes === undefined, {
    path: ['versionCodes'],
    error: 'give versionCode or versionCodes, not both',
  })
  .refine(atMostOneExpiry, bothExpiries);
export type CreateRegistrationInput = z.output<typeof CreateRegistrationBody>;

/** Fields that only one platform's registrations take. */
export const ANDROID_ONLY_FIELDS = [
  'versionCode',
  'versionCodes',
  'signingCertificateSha256',
  'lineageCertificateSha256',
  'versionName',
] as const;
export const IOS_ONLY_FIELDS = ['version'] as const;

export const ApkUploadQuery = z
  .strictObject({
    appId: uuid('an app id').optional(),
    /** exact: only the APK's versionCode; from: that versionCode and every later one. */
    versionCodes: z.enum(['exact', 'from'], { error: 'expected exact or from' }).default('exact'),
    ...expiryFields,
  })
  .refine(atMostOneExpiry, bothExpiries);
export type ApkUploadInput = z.output<typeof ApkUploadQuery>;

export const ListRegistrationsQuery = z.strictObject({
  limit,
  cursor: idCursor.optional(),
  appId: uuid('an app id').optional(),
  teamId: uuid('a team id').optional(),
  platform: z.enum(PLATFORMS, { error: `expected one of ${PLATFORMS.join(', ')}` }).optional(),
  status: expiryStatus,
});
export type ListRegistrationsInput = z.output<typeof ListRegistrationsQuery>;
