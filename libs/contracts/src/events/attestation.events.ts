import { z } from 'zod';
import { ATTESTATION_REASONS } from '../attestation/attestation-reasons';
import { defineEvent } from '../event-definition';
import { PLATFORMS } from '../identifiers';
import { DeviceIdSchema, JwkThumbprintSchema } from '../tokens';
import { Topics } from '../topics';

/**
 * An attestation's verdict, for audit and metrics (append-only). Every attestation that reached a verdict has one,
 * pass or fail; the app itself is told the reasons only when its policy says so, this stream always has them.
 */
export const AttestationRecordedV1 = defineEvent({
  type: 'attestation.recorded',
  version: 1,
  topic: Topics.attestations,
  description: 'an attestation verdict with its reasons, latency and client (append-only, for audit and metrics)',
  schema: z.object({
    attestationId: z.uuid(),
    appId: z.uuid(),
    verdict: z.enum(['pass', 'fail']),
    /** Why it failed; empty for a pass. */
    reasons: z.array(z.enum(ATTESTATION_REASONS)).max(ATTESTATION_REASONS.length),
    /** Signals the policy only monitors that were present (a pass can have them). */
    monitored: z.array(z.enum(ATTESTATION_REASONS)).max(ATTESTATION_REASONS.length),
    /** The registration the build matched; null when none did. */
    registrationId: z.uuid().nullable(),
    /** null when the evidence did not get as far as a verified installation key. */
    deviceId: DeviceIdSchema.nullable(),
    installationKeyThumbprint: JwkThumbprintSchema.nullable(),
    platform: z.enum(PLATFORMS).nullable(),
    sdkVersion: z.string().max(64).nullable(),
    /** The token's id (valid or failure token); null when no token could be issued. */
    jti: z.uuid().nullable(),
    /** From the request's arrival to the verdict and its token. */
    latencyMs: z.number().nonnegative(),
    clientIp: z.string().max(64).nullable(),
  }),
  key: (tenant, data) => `${tenant}/${data.appId}`,
});
