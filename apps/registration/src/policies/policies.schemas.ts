import { PolicyRulesPatchSchema, PRESET_NAMES } from '@tessera/policy';
import { z } from 'zod';
import { idCursor, limit, name, uuid } from '../http/common-schemas';

export const PolicyIdParam = uuid('a policy id');

export const CreatePolicyBody = z.strictObject({
  name: name(100),
  preset: z.enum(PRESET_NAMES, { error: `expected one of ${PRESET_NAMES.join(', ')}` }).default('default'),
  /** Laid over the preset's rules. */
  rules: PolicyRulesPatchSchema.optional(),
});
export type CreatePolicyInput = z.output<typeof CreatePolicyBody>;

export const UpdatePolicyBody = z
  .strictObject({
    name: name(100).optional(),
    /** Laid over the policy's current rules. */
    rules: PolicyRulesPatchSchema.optional(),
  })
  .refine((v) => v.name !== undefined || v.rules !== undefined, { error: 'give name or rules' });
export type UpdatePolicyInput = z.output<typeof UpdatePolicyBody>;

export const ListPoliciesQuery = z.strictObject({
  limit,
  cursor: idCursor.optional(),
});

/** null: the app goes back to the built-in default policy. */
export const AssignPolicyBody = z.strictObject({
  policyId: z.uuid({ error: 'expected a policy id (UUID), or null for the built-in default' }).nullable(),
});
