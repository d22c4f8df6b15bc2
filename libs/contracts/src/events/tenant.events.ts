import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { TenantIdSchema } from '../envelope';
import { Topics } from '../topics';

export const TenantUpsertedV1 = defineEvent({
  type: 'tenant.upserted',
  version: 1,
  topic: Topics.registry,
  description: 'a tenant was created or changed; the latest state of the tenant',
  schema: z.object({
    tenantId: TenantIdSchema,
    name: z.string().min(1).max(200),
    status: z.enum(['active', 'suspended']),
  }),
  key: (tenant) => `${tenant}/tenant/${tenant}`,
});
