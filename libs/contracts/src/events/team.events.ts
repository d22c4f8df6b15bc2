import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

/** A team of a tenant: it owns apps and registrations, and developer keys belong to one. */
export const TeamUpsertedV1 = defineEvent({
  type: 'team.upserted',
  version: 1,
  topic: Topics.registry,
  description: 'a team was created or changed; the latest state of the team (a tombstone on its key deletes it)',
  schema: z.object({
    teamId: z.uuid(),
    name: z.string().min(1).max(100),
    description: z.string().max(500),
  }),
  key: (tenant, data) => `${tenant}/team/${data.teamId}`,
});
