import { z } from 'zod';
import { KeyIdParam, limit, time } from '../http/common-schemas';

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
      .regex(/^[a-z_-]+\.[a-z_-]+$/, 'expected an action such as team.create')
      .optional(),
  })
  .refine((q) => !q.from || !q.to || q.from.getTime() < q.to.getTime(), { error: 'from must be before to' });
