import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { EventTimeSchema } from '../identifiers';
import { DeviceIdSchema, JwkThumbprintSchema, KeyIdSchema, SigningAlgorithmSchema } from '../tokens';
import { Topics } from '../topics';

/**
 * A token the token service issued. `outcome` says whether it is a valid token or a failure token: this stream is
 * internal (audit, metrics), the token itself never tells.
 */
export const TokenIssuedV1 = defineEvent({
  type: 'token.issued',
  version: 1,
  topic: Topics.tokens,
  description: 'a token was issued, valid or failure (append-only, for audit and metrics)',
  schema: z.object({
    jti: z.uuid(),
    outcome: z.enum(['valid', 'failure']),
    appId: z.uuid(),
    /** null when the attestation matched no registration (failure tokens only). */
    registrationId: z.uuid().nullable(),
    deviceId: DeviceIdSchema,
    installationKeyThumbprint: JwkThumbprintSchema.nullable(),
    kid: KeyIdSchema,
    alg: SigningAlgorithmSchema,
    issuedAt: EventTimeSchema,
    expiresAt: EventTimeSchema,
    bound: z.boolean(),
    clientIp: z.string().max(64).nullable(),
  }),
  key: (tenant, data) => `${tenant}/${data.appId}`,
});
