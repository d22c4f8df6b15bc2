import { ZodError } from 'zod';
import {
  DEFAULT_POLICY_RULES,
  PolicyRulesPatchSchema,
  STRICT_POLICY_RULES,
  checkSdkVersionRange,
  mergeRules,
  ruleChanges,
} from './index';

const problems = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ZodError);
    return (error as ZodError).issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  }
  throw new Error('expected the rules to be refused');
};

describe('mergeRules', () => {
  it('lays a deep partial over the rules: given fields replace, the rest stays', () => {
    const merged = mergeRules(DEFAULT_POLICY_RULES, {
      evidence: { playIntegrity: 'required' },
      signals: { proxy: 'reject' },
      tokenLifetimeSeconds: 600,
      sdkVersions: '>=1.4.0 <3',
    });
    expect(merged).toEqual({
      ...DEFAULT_POLICY_RULES,
      evidence: { ...DEFAULT_POLICY_RULES.evidence, playIntegrity: 'required' },
      signals: { ...DEFAULT_POLICY_RULES.signals, proxy: 'reject' },
      tokenLifetimeSeconds: 600,
      sdkVersions: '>=1.4.0 <3',
    });
  });

  it('gives the base rules back for an empty patch, and leaves the base untouched', () => {
    expect(mergeRules(STRICT_POLICY_RULES, {})).toEqual(STRICT_POLICY_RULES);
    expect(mergeRules(STRICT_POLICY_RULES, { signals: {}, tokenLifetimeSeconds: undefined })).toEqual(
      STRICT_POLICY_RULES,
    );
    const base = structuredClone(DEFAULT_POLICY_RULES);
    mergeRules(base, { signals: { emulator: 'allow' } });
    expect(base).toEqual(DEFAULT_POLICY_RULES);
  });

  it.each([
    [{ evidence: { sdk: 'maybe' } }, 'evidence.sdk: Invalid option: expected one of "required"|"optional"|"ignored"'],
    [{ signals: { proxy: 'block' } }, 'signals.proxy: Invalid option: expected one of "reject"|"monitor"|"allow"'],
    [{ tokenLifetimeSeconds: 10 }, 'tokenLifetimeSeconds: Too small: expected number to be >=30'],
    [{ tokenLifetimeSeconds: 90_000 }, 'tokenLifetimeSeconds: Too big: expected number to be <=86400'],
    [{ minimumSecurityLevel: 'hardware' }, expect.stringMatching(/^minimumSecurityLevel: Invalid option/)],
    [{ revealRejectionReasons: 'yes' }, 'revealRejectionReasons: Invalid input: expected boolean, received string'],
    [{ sdkVersions: 'latest' }, expect.stringMatching(/^sdkVersions: not a semver range: expected a semver range/)],
  ])('refuses an invalid value %j, naming the field', (patch, problem) => {
    expect(problems(() => mergeRules(DEFAULT_POLICY_RULES, patch as never))).toEqual([problem]);
  });

  it('refuses unknown rules at every depth', () => {
    const patch = { signals: { jailbreak: 'reject' }, evidence: { safetyNet: 'required' }, tokenTtl: 60 };
    expect(problems(() => mergeRules(DEFAULT_POLICY_RULES, patch as never))).toEqual([
      'evidence: Unrecognized key: "safetyNet"',
      'signals: Unrecognized key: "jailbreak"',
      ': Unrecognized key: "tokenTtl"',
    ]);
  });

  it('validates the result too: an invalid base is not passed on', () => {
    const broken = { ...DEFAULT_POLICY_RULES, sdkVersions: 'not a range' };
    expect(problems(() => mergeRules(broken, {}))).toEqual([expect.stringMatching(/^sdkVersions: not a semver range/)]);
  });

  it('has a patch schema usable on its own, e.g. inside a request body', () => {
    expect(PolicyRulesPatchSchema.safeParse({ signals: { debugger: 'monitor' } }).success).toBe(true);
    expect(PolicyRulesPatchSchema.safeParse({ signals: { debugger: 'monitor', x: 1 } }).success).toBe(false);
  });
});

describe('checkSdkVersionRange', () => {
  it.each(['*', '>=1.4.0 <3', '^2.1', '1.x || >=2.5.0', '1.2.3 - 2'])('accepts %j', (range) => {
    expect(checkSdkVersionRange(range)).toBeUndefined();
  });

  it.each(['latest', '>=abc', '1.2.3.4.5'])('refuses %j with what a range looks like', (range) => {
    expect(checkSdkVersionRange(range)).toBe(
      'not a semver range: expected a semver range of SDK versions such as ">=1.4.0 <3", "^2.1" or "*"',
    );
  });

  it('refuses a blank range, which semver would read as "*"', () => {
    expect(checkSdkVersionRange('  ')).toMatch(/^must not be blank/);
  });
});

describe('ruleChanges', () => {
  it('names each rule that differs, with both values, in rule order', () => {
    expect(ruleChanges(DEFAULT_POLICY_RULES, STRICT_POLICY_RULES)).toEqual([
      { rule: 'evidence.appleAppAttest', from: 'optional', to: 'required' },
      { rule: 'evidence.androidKeyAttestation', from: 'optional', to: 'required' },
      { rule: 'evidence.playIntegrity', from: 'optional', to: 'required' },
      { rule: 'signals.proxy', from: 'monitor', to: 'reject' },
      { rule: 'signals.userInstalledCa', from: 'monitor', to: 'reject' },
      { rule: 'minimumSecurityLevel', from: 'software', to: 'trusted-environment' },
      { rule: 'tokenLifetimeSeconds', from: 300, to: 120 },
    ]);
  });

  it('is empty for equal rules', () => {
    expect(ruleChanges(DEFAULT_POLICY_RULES, structuredClone(DEFAULT_POLICY_RULES))).toEqual([]);
  });

  it('sees a change of one field of one group', () => {
    const after = mergeRules(DEFAULT_POLICY_RULES, { revealRejectionReasons: true, signals: { emulator: 'monitor' } });
    expect(ruleChanges(DEFAULT_POLICY_RULES, after)).toEqual([
      { rule: 'signals.emulator', from: 'reject', to: 'monitor' },
      { rule: 'revealRejectionReasons', from: false, to: true },
    ]);
  });
});
