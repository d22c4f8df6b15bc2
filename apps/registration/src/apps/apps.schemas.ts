import { AndroidPackageNameSchema, AppleTeamIdSchema, BundleIdSchema, PLATFORMS } from '@tessera/contracts';
import { z } from 'zod';
import { idCursor, limit, name, uuid } from '../http/common-schemas';

export const AppIdParam = uuid('an app id');

const common = { name: name(100), teamId: uuid('a team id').optional() };

export const CreateAppBody = z.discriminatedUnion(
  'platform',
  [
    z.strictObject({ ...common, platform: z.literal('android'), packageName: AndroidPackageNameSchema }),
    z.strictObject({
      ...common,
      platform: z.literal('ios'),
      appleTeamId: AppleTeamIdSchema,
      bundleId: BundleIdSchema,
    }),
  ],
  { error: `expected one of ${PLATFORMS.join(', ')}` },
);
export type CreateAppInput = z.output<typeof CreateAppBody>;

export const UpdateAppBody = z.strictObject({ name: name(100) });

export const ListAppsQuery = z.strictObject({
  limit,
  cursor: idCursor.optional(),
  teamId: uuid('a team id').optional(),
  platform: z.enum(PLATFORMS, { error: `expected one of ${PLATFORMS.join(', ')}` }).optional(),
});
