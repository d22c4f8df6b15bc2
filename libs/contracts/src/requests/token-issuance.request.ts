import { z } from 'zod';
import { TenantIdSchema } from '../envelope';
import {
  DeviceIdSchema,
  JwkThumbprintSchema,
  KeyIdSchema,
  Sha256Base64UrlSchema,
  TokenAnnotationsSchema,
} from '../tokens';
import { Topics } from '../topics';
import { defineRequest } from './request-definition';

/** Token lifetimes a request may ask for: the range a policy's `tokenLifetimeSeconds` has. */
export const TOKEN_LIFETIME_SECONDS = { min: 30, max: 86_400, default: 300 } as const;

/**
 * The integrity service asks the token service for the token of an attestation. A `pass` gets a valid token, a
 * `fail` a failure token that looks the same and that no verifier accepts. Both answer the same shape, so the
 * caller hands either back to the app without a branch.
 */
export const TokenIssuanceV1 = defineRequest({
  type: 'token.issue',
  version: 1,
  requestTopic: Topics.tokenRequests,
  replyTopic: Topics.tokenReplies,
  description: 'the token for an attestation verdict: valid for pass, failure token for fail',
  request: z
    .object({
      tenant: TenantIdSchema,
      appId: z.uuid(),
      verdict: z.enum(['pass', 'fail']),
      /** The registration (app build) the evidence matched; a pass always has one. */
      registrationId: z.uuid().optional(),
      /** RFC 7638 thumbprint of the installation key; a pass always has one. */
      installationKeyThumbprint: JwkThumbprintSchema.optional(),
      /** Defaults to the installation key thumbprint. */
      deviceId: DeviceIdSchema.optional(),
      clientIp: z.union([z.ipv4(), z.ipv6()]).optional(),
      /** Token binding: SHA-256 (base64url) of the header value the token is bound to; becomes `pay`. */
      payloadBinding: Sha256Base64UrlSchema.optional(),
      annotations: TokenAnnotationsSchema.optional(),
      /** From the app's policy; capped by the token service's longest lifetime. */
      lifetimeSeconds: z
        .number()
        .int()
        .min(TOKEN_LIFETIME_SECONDS.min)
        .max(TOKEN_LIFETIME_SECONDS.max)
        .default(TOKEN_LIFETIME_SECONDS.default),
    })
    .refine(
      (request) =>
        request.verdict === 'fail' ||
        (request.registrationId !== undefined && request.installationKeyThumbprint !== undefined),
      { message: 'a pass verdict names its registrationId and installationKeyThumbprint' },
    ),
  result: z.object({
    token: z.string().min(1).max(8192),
    /** What the token says of itself, for the caller's response (the app sees the same in the token). */
    expiresAt: z.iso.datetime({ offset: true }),
    lifetimeSeconds: z.number().int().positive(),
    kid: KeyIdSchema,
  }),
  key: (request) => `${request.tenant}/${request.appId}`,
});
