import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { EventTimeSchema } from '../identifiers';
import { Topics } from '../topics';

/** The roles an API key can have (libs/access grants their permissions). */
export const API_KEY_ROLES = ['admin', 'developer'] as const;

/**
 * An admin API key as every service that serves admin endpoints needs it to authenticate callers itself: the
 * SHA-256 of its secret (the secret is 32 random bytes, so the hash cannot be turned back into a key), its role,
 * team and validity. The key string itself is never in an event.
 */
export const ApiKeyUpsertedV1 = defineEvent({
  type: 'api-key.upserted',
  version: 1,
  topic: Topics.registry,
  description: 'an API key was created or revoked; its hash, role, team and validity (never the key itself)',
  schema: z
    .object({
      keyId: z.string().regex(/^[0-9a-f]{16}$/, 'expected a key id: 16 lowercase hex characters'),
      role: z.enum(API_KEY_ROLES),
      /** null for admin keys (tenant-wide). */
      teamId: z.uuid().nullable(),
      /** SHA-256 of the key's secret part, base64. */
      secretHash: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'expected a SHA-256 digest in base64'),
      createdAt: EventTimeSchema,
      expiresAt: EventTimeSchema.nullable(),
      revokedAt: EventTimeSchema.nullable(),
    })
    .refine((key) => (key.role === 'admin') === (key.teamId === null), {
      path: ['teamId'],
      message: 'admin keys are tenant-wide (no team); developer keys belong to a team',
    }),
  key: (tenant, data) => `${tenant}/api-key/${data.keyId}`,
});
