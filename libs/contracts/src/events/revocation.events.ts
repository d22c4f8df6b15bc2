import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

/** What a revocation refuses everywhere: a device, an installation key, an app build, or one token. */
export const RevocationSubjectKindSchema = z.enum(['device', 'installation', 'registration', 'token']);

export const RevocationUpsertedV1 = defineEvent({
  type: 'revocation.upserted',
  version: 1,
  topic: Topics.revocations,
  description: 'a revocation is in force until expiresAt (or for good); a tombstone on its key lifts it',
  schema: z.object({
    revocationId: z.uuid(),
    subject: z.object({ kind: RevocationSubjectKindSchema, value: z.string().min(1).max(256) }),
    reason: z.string().max(500).optional(),
    createdAt: z.iso.datetime({ offset: true }),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
  }),
  key: (tenant, data) => `${tenant}/revocation/${data.revocationId}`,
});
