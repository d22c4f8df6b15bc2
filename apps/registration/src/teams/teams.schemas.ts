import { z } from 'zod';
import { idCursor, limit, name, uuid } from '../http/common-schemas';

export const TeamIdParam = uuid('a team id');

export const CreateTeamBody = z.strictObject({
  name: name(100),
  description: z.string().max(500, 'at most 500 characters').default(''),
});

export const UpdateTeamBody = z
  .strictObject({ name: name(100).optional(), description: z.string().max(500, 'at most 500 characters').optional() })
  .refine((v) => v.name !== undefined || v.description !== undefined, { error: 'give name or description' });

export const ListTeamsQuery = z.strictObject({
  limit,
  cursor: idCursor.optional(),
});
