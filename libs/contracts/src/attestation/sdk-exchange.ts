import { z } from 'zod';
import { TenantIdSchema } from '../envelope';
import {
  AndroidPackageNameSchema,
  AppleTeamIdSchema,
  BundleIdSchema,
  Sha256HexSchema,
  VersionCodeSchema,
} from '../identifiers';
import { Sha256Base64UrlSchema } from '../tokens';
import { ATTESTATION_REASONS } from './attestation-reasons';

/**
 * What the SDK and the integrity service exchange: the challenge, the SDK evidence (a JWS signed with the
 * installation key) and the attest answer. One definition for both sides, so the SDK cannot send what the service
 * refuses by shape.
 */

/** A challenge nonce: 32 random bytes, unpadded base64url. */
export const NonceSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a nonce: 32 bytes as unpadded base64url');

/** The `typ` of the SDK evidence JWS (RFC 8725 §3.11: explicit typing). */
export const SDK_EVIDENCE_TYPE = 'tessera-evidence+jws';
/** The longest SDK evidence JWS accepted, in characters. */
export const MAX_SDK_EVIDENCE_LENGTH = 16_384;

/** The app as it measured itself: what a registration is matched against. */
export const AppMeasurementSchema = z.discriminatedUnion('platform', [
  z.strictObject({
    platform: z.literal('android'),
    packageName: AndroidPackageNameSchema,
    /** SHA-256 of each certificate the installed APK is signed with (DER), as PackageManager reports them. */
    signingCertificateSha256: z.array(Sha256HexSchema).min(1).max(10),
    versionCode: VersionCodeSchema,
    versionName: z.string().max(100).optional(),
  }),
  z.strictObject({
    platform: z.literal('ios'),
    appleTeamId: AppleTeamIdSchema,
    bundleId: BundleIdSchema,
    /** CFBundleShortVersionString. */
    version: z.string().min(1).max(100),
  }),
]);
export type AppMeasurement = z.output<typeof AppMeasurementSchema>;

/** What the SDK's checks found on the device: true means the signal is present. */
export const DeviceSignalsSchema = z.strictObject({
  rootedOrJailbroken: z.boolean(),
  emulator: z.boolean(),
  debugger: z.boolean(),
  hookingFramework: z.boolean(),
  proxy: z.boolean(),
  userInstalledCa: z.boolean(),
});
export type DeviceSignals = z.output<typeof DeviceSignalsSchema>;

/** A device on which the SDK found nothing: every signal absent. */
export const NO_DEVICE_SIGNALS: Readonly<DeviceSignals> = Object.freeze({
  rootedOrJailbroken: false,
  emulator: false,
  debugger: false,
  hookingFramework: false,
  proxy: false,
  userInstalledCa: false,
});

/** A semver version, e.g. the SDK's own. */
const SemverSchema = z
  .string()
  .max(64)
  .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/, 'expected a semver version such as 1.4.0');

/** The payload of the SDK evidence JWS. */
export const SdkEvidencePayloadSchema = z.strictObject({
  tenant: TenantIdSchema,
  appId: z.uuid(),
  /** The nonce of the challenge this evidence answers. */
  nonce: NonceSchema,
  /** When the SDK signed it (seconds since the epoch); informative, the nonce's lifetime is what counts. */
  iat: z.number().int().nonnegative(),
  app: AppMeasurementSchema,
  device: z.strictObject({
    signals: DeviceSignalsSchema,
    sdkVersion: SemverSchema,
    os: z.strictObject({ name: z.enum(['android', 'ios']), version: z.string().min(1).max(32) }).optional(),
  }),
  /** Token binding: SHA-256 (base64url) of the header value the token is to be bound to; becomes `pay`. */
  binding: Sha256Base64UrlSchema.optional(),
});
export type SdkEvidencePayload = z.output<typeof SdkEvidencePayloadSchema>;

/** `POST /v1/challenge`. */
export const ChallengeRequestSchema = z.strictObject({ tenant: TenantIdSchema, appId: z.uuid() });
export type ChallengeRequest = z.output<typeof ChallengeRequestSchema>;

export const ChallengeResponseSchema = z.object({
  nonce: NonceSchema,
  expiresAt: z.iso.datetime({ offset: true }),
  ttlSeconds: z.number().int().positive(),
});
export type ChallengeResponse = z.output<typeof ChallengeResponseSchema>;

/** `POST /v1/attest`. */
export const AttestRequestSchema = z.strictObject({
  evidence: z.string().min(1).max(MAX_SDK_EVIDENCE_LENGTH, `evidence is at most ${MAX_SDK_EVIDENCE_LENGTH} characters`),
});
export type AttestRequest = z.output<typeof AttestRequestSchema>;

/**
 * The answer to every attestation that got as far as a verdict, pass or fail: a token either way (a failure token
 * looks the same and no verifier accepts it). `reasons` only when the app's policy reveals them.
 */
export const AttestResponseSchema = z.object({
  token: z.string().min(1).max(8192),
  expiresAt: z.iso.datetime({ offset: true }),
  lifetimeSeconds: z.number().int().positive(),
  /** The version of the app's signed pin config; the SDK fetches the config only when it changed (pins service). */
  pinConfigVersion: z.number().int().nonnegative().nullable(),
  reasons: z.array(z.enum(ATTESTATION_REASONS)).optional(),
});
export type AttestResponse = z.output<typeof AttestResponseSchema>;
