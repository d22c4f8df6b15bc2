import { type PolicyRules, PolicyRulesSchema } from '@tessera/contracts';
import { z } from 'zod';
import { checkSdkVersionRange } from './sdk-versions';

/** An SDK version range: the contract's string, and a range semver can read. */
const SdkVersionsSchema = PolicyRulesSchema.shape.sdkVersions.superRefine((range, context) => {
  const problem = checkSdkVersionRange(range);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
});

/**
 * Rules as the contract defines them plus what the contract leaves to this library: `sdkVersions` must be a
 * semver range. Every rule set Tessera stores or publishes satisfies it.
 */
export const ValidPolicyRulesSchema = PolicyRulesSchema.extend({ sdkVersions: SdkVersionsSchema });

const { shape } = PolicyRulesSchema;

/**
 * A change to rules: any field, at any depth, may be left out; what is given must be valid, and unknown fields
 * are refused (a misspelt rule must not be silently ignored).
 */
export const PolicyRulesPatchSchema = z.strictObject({
  evidence: shape.evidence.partial().optional(),
  signals: shape.signals.partial().optional(),
  minimumSecurityLevel: shape.minimumSecurityLevel.optional(),
  sdkVersions: SdkVersionsSchema.optional(),
  tokenLifetimeSeconds: shape.tokenLifetimeSeconds.optional(),
  revealRejectionReasons: shape.revealRejectionReasons.optional(),
});
export type PolicyRulesPatch = z.input<typeof PolicyRulesPatchSchema>;

/**
 * `patch` laid over `base`: what the patch gives replaces, what it leaves out stays. Both the patch and the
 * result are validated; an invalid one throws a ZodError naming each field. `base` is never changed.
 */
export function mergeRules(base: PolicyRules, patch: PolicyRulesPatch): PolicyRules {
  const change = PolicyRulesPatchSchema.parse(patch);
  const { evidence, signals, ...top } = change;
  return ValidPolicyRulesSchema.parse({
    ...base,
    ...given(top),
    evidence: { ...base.evidence, ...given(evidence ?? {}) },
    signals: { ...base.signals, ...given(signals ?? {}) },
  });
}

/** The fields a patch gives: `{tokenLifetimeSeconds: undefined}` leaves the rule as it is. */
function given<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
