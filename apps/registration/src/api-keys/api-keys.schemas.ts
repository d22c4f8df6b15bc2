import { ROLES } from '@tessera/access';
import { z } from 'zod';
import { futureTime, KeyIdParam, limit, name, uuid } from '../http/common-schemas';

export { KeyIdParam };

export const CreateKeyBody = z.strictObject({
  name: name(100),
  role: z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` }),
  teamId: uuid('a team id').optional(),
  expiresAt: futureTime.optional(),
});

export const ListKeysQuery = z.strictObject({
  limit,
  cursor: KeyIdParam.optional(),
  teamId: uuid('a team id').optional(),
});
