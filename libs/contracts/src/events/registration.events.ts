import { z } from 'zod';
import { defineEvent } from '../event-definition';
import {
  AndroidPackageNameSchema,
  AppleTeamIdSchema,
  BundleIdSchema,
  EventTimeSchema,
  Sha256HexSchema,
  VersionCodeSchema,
} from '../identifiers';
import { Topics } from '../topics';

/** One genuine build of an Android app: which package, which versions, signed by which certificates. */
export const AndroidBuildSchema = z.object({
  platform: z.literal('android'),
  packageName: AndroidPackageNameSchema,
  /** Inclusive range of (long) versionCodes; max null means every later version. */
  versionCodes: z.object({ min: VersionCodeSchema, max: VersionCodeSchema.nullable() }),
  /** SHA-256 of each signing certificate (DER); an APK matches when its signers are exactly this set. */
  signingCertificateSha256: z.array(Sha256HexSchema).min(1).max(10),
  /** The v3 proof-of-rotation lineage, oldest first, ending with the current signer; empty without rotation. */
  lineageCertificateSha256: z.array(Sha256HexSchema).max(20),
  versionName: z.string().max(100).nullable(),
});

/** One genuine build of an iOS app: team, bundle and optionally a version (CFBundleShortVersionString). */
export const IosBuildSchema = z.object({
  platform: z.literal('ios'),
  appleTeamId: AppleTeamIdSchema,
  bundleId: BundleIdSchema,
  version: z.string().max(100).nullable(),
});

export const BuildSchema = z.discriminatedUnion('platform', [AndroidBuildSchema, IosBuildSchema]);
export type Build = z.output<typeof BuildSchema>;

/**
 * A registration: one build of an app that Tessera treats as genuine, until `expiresAt` (if set). Consumers
 * must treat an expired registration as absent even before its tombstone arrives.
 */
export const RegistrationUpsertedV1 = defineEvent({
  type: 'registration.upserted',
  version: 1,
  topic: Topics.registry,
  description: 'a registration (genuine app build) exists until expiresAt; a tombstone on its key removes it',
  schema: z.object({
    registrationId: z.uuid(),
    appId: z.uuid(),
    teamId: z.uuid(),
    build: BuildSchema,
    /** Where the identity came from: typed fields, or read from an uploaded APK whose signatures verified. */
    source: z.enum(['fields', 'apk']),
    createdAt: EventTimeSchema,
    expiresAt: EventTimeSchema.nullable(),
  }),
  key: (tenant, data) => `${tenant}/registration/${data.registrationId}`,
});
