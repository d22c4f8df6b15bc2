import { type EventData, type PolicyRules, PolicyRulesSchema, type PolicyUpsertedV1 } from '@tessera/contracts';
import { ruleChanges } from '@tessera/policy';

/** A security policy as the admin API shows it. */
export interface PolicyView {
  id: string;
  name: string;
  rules: PolicyRules;
  createdAt: Date;
  updatedAt: Date;
}

export const POLICY_COLUMNS = `id, name, rules, created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * A policy row as the API shows it. jsonb keeps keys in an order of its own; reading the rules through their schema
 * lists them in the documented order again (and checks them: rules are validated before every write).
 */
export function policyFromRow(row: PolicyView): PolicyView {
  return { ...row, rules: PolicyRulesSchema.parse(row.rules) };
}

/** The policy as `policy.upserted` carries it. */
export function policyEventData(policy: PolicyView): EventData<typeof PolicyUpsertedV1> {
  return { policyId: policy.id, name: policy.name, rules: policy.rules };
}

/** The audit summary of a whole policy (creation, deletion). */
export function policySummary(policy: PolicyView): Record<string, unknown> {
  return { name: policy.name, rules: policy.rules };
}

/**
 * The audit summaries of a change: the name, and only the rules that changed, each by its path
 * (`{"signals.proxy": "monitor"}` before, `{"signals.proxy": "reject"}` after).
 */
export function policyChangeSummaries(
  before: PolicyView,
  after: PolicyView,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const changes = ruleChanges(before.rules, after.rules);
  return {
    before: { name: before.name, rules: Object.fromEntries(changes.map((c) => [c.rule, c.from])) },
    after: { name: after.name, rules: Object.fromEntries(changes.map((c) => [c.rule, c.to])) },
  };
}
