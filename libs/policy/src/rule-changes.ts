import type { PolicyRules } from '@tessera/contracts';

/** One rule that differs, named by its path: `{rule: 'signals.proxy', from: 'monitor', to: 'reject'}`. */
export interface RuleChange {
  rule: string;
  from: unknown;
  to: unknown;
}

/** The rules that differ between two rule sets, in the order the rules are listed; empty when none does. */
export function ruleChanges(before: PolicyRules, after: PolicyRules): RuleChange[] {
  const changes: RuleChange[] = [];
  collect(before, after, '', changes);
  return changes;
}

function collect(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix: string,
  changes: RuleChange[],
): void {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const field of fields) {
    const from = before[field];
    const to = after[field];
    const rule = `${prefix}${field}`;
    if (isGroup(from) && isGroup(to)) collect(from, to, `${rule}.`, changes);
    else if (from !== to) changes.push({ rule, from, to });
  }
}

function isGroup(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
