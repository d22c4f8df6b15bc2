import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { AndroidPackageNameSchema, AppleTeamIdSchema, BundleIdSchema } from '../identifiers';
import { Topics } from '../topics';

/** What identifies an app on its platform. */
export const AppIdentifiersSchema = z.discriminatedUnion('platform', [
  z.object({ platform: z.literal('android'), packageName: AndroidPackageNameSchema }),
  z.object({ platform: z.literal('ios'), appleTeamId: AppleTeamIdSchema, bundleId: BundleIdSchema }),
]);
export type AppIdentifiers = z.output<typeof AppIdentifiersSchema>;

/** An app of a team. Its builds are registrations; its policy decides how strict attestation is. */
export const AppUpsertedV1 = defineEvent({
  type: 'app.upserted',
  version: 1,
  topic: Topics.registry,
  description: 'an app was created or changed; its latest state (a tombstone on its key deletes it)',
  schema: z.object({
    appId: z.uuid(),
    teamId: z.uuid(),
    name: z.string().min(1).max(100),
    identifiers: AppIdentifiersSchema,
    /** The tenant policy assigned to the app; null means the built-in default policy. */
    policyId: z.uuid().nullable(),
  }),
  key: (tenant, data) => `${tenant}/app/${data.appId}`,
});
