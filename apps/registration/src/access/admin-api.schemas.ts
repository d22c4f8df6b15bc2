import { ROLES } from '@tessera/access';
import { z } from 'zod';

const name = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'control characters are not allowed');

const limit = z.coerce
  .number({ error: 'expected an integer between 1 and 100' })
  .int('expected an integer between 1 and 100')
  .min(1, 'expected an integer between 1 and 100')
  .max(100, 'expected an integer between 1 and 100')
  .default(50);

export const TeamIdParam = z.uuid({ error: 'expected a team id (UUID)' });
export const KeyIdParam = z.string().regex(/^[0-9a-f]{16}$/, 'expected a key id (16 hex characters)');

export const UpdateTenantBody = z.strictObject({ name: name(200) });

export const CreateTeamBody = z.strictObject({
  name: name(100),
  description: z.string().max(500, 'at most 500 characters').default(''),
});

export const UpdateTeamBody = z
  .strictObject({ name: name(100).optional(), description: z.string().max(500, 'at most 500 characters').optional() })
  .refine((v) => v.name !== undefined || v.description !== undefined, { error: 'give name or description' });

export const ListTeamsQuery = z.strictObject({
  limit,
  cursor: z.uuid({ error: 'expected a cursor from nextCursor' }).optional(),
});

export const CreateKeyBody = z.strictObject({
  name: name(100),
  role: z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` }),
  teamId: z.uuid({ error: 'expected a team id (UUID)' }).optional(),
  expiresAt: z.iso
    .datetime({ offset: true, error: 'expected an ISO-8601 time with offset, e.g. 2027-01-01T00:00:00Z' })
    .transform((v) => new Date(v))
    .refine((d) => d.getTime() > Date.now(), { error: 'must be in the future' })
    .optional(),
});

export const ListKeysQuery = z.strictObject({
  limit,
  cursor: KeyIdParam.optional(),
  teamId: z.uuid({ error: 'expected a team id (UUID)' }).optional(),
});

const time = z.iso
  .datetime({ offset: true, error: 'expected an ISO-8601 time with offset, e.g. 2027-01-01T00:00:00Z' })
  .transform((v) => new Date(v));

export const AuditQuery = z
  .strictObject({
    limit,
    cursor: z
      .string()
      .regex(/^[1-9][0-9]{0,17}$/, 'expected a cursor from nextCursor')
      .optional(),
    from: time.optional(),
    to: time.optional(),
    actor: KeyIdParam.optional(),
    action: z
      .string()
      .regex(/^[a-z_]+\.[a-z_]+$/, 'expected an action such as team.create')
      .optional(),
  })
  .refine((q) => !q.from || !q.to || q.from.getTime() < q.to.getTime(), { error: 'from must be before to' });
