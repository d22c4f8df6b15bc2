import { PolicyRulesSchema } from '@tessera/contracts';
import {
  APPLICABLE_EVIDENCE,
  DEFAULT_POLICY_RULES,
  EVIDENCE_KINDS,
  PRESET_DESCRIPTIONS,
  PRESET_NAMES,
  PRESETS,
  SIGNAL_KINDS,
  STRICT_POLICY_RULES,
  ValidPolicyRulesSchema,
  evidenceAppliesTo,
} from './index';

describe('presets', () => {
  it.each(PRESET_NAMES)('%s is valid rules, named and described', (name) => {
    expect(PolicyRulesSchema.parse(PRESETS[name])).toEqual(PRESETS[name]);
    expect(ValidPolicyRulesSchema.safeParse(PRESETS[name]).success).toBe(true);
    expect(PRESET_DESCRIPTIONS[name]).not.toHaveLength(0);
  });

  it('default: SDK evidence required, platform attestations optional, tampering rejected, corporate setups monitored', () => {
    expect(DEFAULT_POLICY_RULES).toEqual({
      evidence: {
        sdk: 'required',
        appleAppAttest: 'optional',
        androidKeyAttestation: 'optional',
        playIntegrity: 'optional',
      },
      signals: {
        rootedOrJailbroken: 'reject',
        emulator: 'reject',
        debugger: 'reject',
        hookingFramework: 'reject',
        proxy: 'monitor',
        userInstalledCa: 'monitor',
      },
      minimumSecurityLevel: 'software',
      sdkVersions: '*',
      tokenLifetimeSeconds: 300,
      revealRejectionReasons: false,
    });
  });

  it('strict: every evidence required, every signal rejected, trusted environment, 2-minute tokens', () => {
    expect(EVIDENCE_KINDS.every((kind) => STRICT_POLICY_RULES.evidence[kind] === 'required')).toBe(true);
    expect(SIGNAL_KINDS.every((kind) => STRICT_POLICY_RULES.signals[kind] === 'reject')).toBe(true);
    expect(STRICT_POLICY_RULES).toMatchObject({
      minimumSecurityLevel: 'trusted-environment',
      tokenLifetimeSeconds: 120,
      revealRejectionReasons: false,
    });
  });

  it('lists every rule of the contract in its kinds', () => {
    expect([...EVIDENCE_KINDS].sort()).toEqual(Object.keys(PolicyRulesSchema.shape.evidence.shape).sort());
    expect([...SIGNAL_KINDS].sort()).toEqual(Object.keys(PolicyRulesSchema.shape.signals.shape).sort());
  });

  it('are frozen, so no caller can change the default for everyone', () => {
    expect(() => {
      (DEFAULT_POLICY_RULES.signals as { proxy: string }).proxy = 'allow';
    }).toThrow(TypeError);
    expect(() => {
      (PRESETS as Record<string, unknown>).strict = DEFAULT_POLICY_RULES;
    }).toThrow(TypeError);
    expect(DEFAULT_POLICY_RULES.signals.proxy).toBe('monitor');
  });

  it('knows which evidence exists on which platform', () => {
    expect(APPLICABLE_EVIDENCE.ios).toEqual(['sdk', 'appleAppAttest']);
    expect(evidenceAppliesTo('playIntegrity', 'android')).toBe(true);
    expect(evidenceAppliesTo('playIntegrity', 'ios')).toBe(false);
    expect(evidenceAppliesTo('appleAppAttest', 'android')).toBe(false);
  });
});
