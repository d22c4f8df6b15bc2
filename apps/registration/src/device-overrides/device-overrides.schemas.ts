import { z } from 'zod';
import { expiryStatus, idCursor, limit, name, uuid } from '../http/common-schemas';
import { expiryFields, withExpiry } from '../http/duration';
import { OVERRIDE_VERDICTS } from './device-override.view';

export const OverrideIdParam = uuid('a device override id');

/** Device ids are what the SDK reports (Android ID, identifierForVendor, an app's own id): printable ASCII. */
export const DeviceIdSchema = z
  .string({ error: 'expected a device id (1-256 printable ASCII characters)' })
  .max(256, 'at most 256 characters')
  .regex(/^[!-~](?:[ -~]*[!-~])?$/, 'expected a device id: printable ASCII characters, no leading or trailing space');

export const CreateOverrideBody = withExpiry(
  z.strictObject({
    deviceId: DeviceIdSchema,
    /** Left out: the override applies to every app of the tenant. */
    appId: uuid('an app id').optional(),
    verdict: z.enum(OVERRIDE_VERDICTS, { error: `expected one of ${OVERRIDE_VERDICTS.join(', ')}` }),
    /** Why, for the people who read the list later (a tester's name, a ticket). */
    reason: name(500).optional(),
    ...expiryFields,
  }),
);
export type CreateOverrideInput = z.output<typeof CreateOverrideBody>;

export const ListOverridesQuery = z.strictObject({
  limit,
  cursor: idCursor.optional(),
  deviceId: DeviceIdSchema.optional(),
  appId: uuid('an app id').optional(),
  status: expiryStatus,
});
export type ListOverridesInput = z.output<typeof ListOverridesQuery>;
