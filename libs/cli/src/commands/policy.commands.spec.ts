import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLICY_RULES, PRESET_DESCRIPTIONS, PRESET_NAMES, PRESETS } from '@tessera/policy';
import type { Policy, PolicyPresets } from '../api/views';
import { ExitCode } from '../exit-codes';
import { FakeApi, runAgainst } from '../testing/fake-api';
import { combineRules, mergeRules, parseSetting } from './policy-rules';
import { removeTestDirectories, testDirectory } from '../testing/test-directory';

afterAll(removeTestDirectories);

const POLICY_ID = '7a1c7e0e-77a8-4c1e-8a55-64a2b8f0d9aa';
const rules = DEFAULT_POLICY_RULES;
const policy: Policy = {
  id: POLICY_ID,
  name: 'payments',
  rules,
  createdAt: '2026-11-22T04:08:59.105Z',
  updatedAt: '2026-11-22T04:08:59.105Z',
};
/** What `GET /v1/policies/presets` answers. */
const presets: PolicyPresets = {
  items: PRESET_NAMES.map((name) => ({ name, description: PRESET_DESCRIPTIONS[name], rules: PRESETS[name] })),
};

describe('policy rules from the command line', () => {
  it('parseSetting turns a path and a value into a nested partial rule set', () => {
    expect(parseSetting('signals.proxy=reject')).toEqual({ signals: { proxy: 'reject' } });
    expect(parseSetting('tokenLifetimeSeconds=300')).toEqual({ tokenLifetimeSeconds: 300 });
    expect(parseSetting('revealRejectionReasons=true')).toEqual({ revealRejectionReasons: true });
    expect(parseSetting('sdkVersions=>=1.4.0 <3')).toEqual({ sdkVersions: '>=1.4.0 <3' });
    expect(parseSetting('sdkVersions="1.0"')).toEqual({ sdkVersions: '1.0' });
    for (const bad of ['signals.proxy', '=x', 'a..b=1', '1a=2'])
      expect(() => parseSetting(bad)).toThrow('expected <rule path>=<value>');
  });

  it('lays later settings over earlier ones, object by object', () => {
    expect(
      mergeRules({ signals: { proxy: 'reject', emulator: 'reject' }, a: [1] }, { signals: { proxy: 'allow' }, a: [2] }),
    ).toEqual({
      signals: { proxy: 'allow', emulator: 'reject' },
      a: [2],
    });
    expect(combineRules(undefined, [])).toBeUndefined();
    expect(combineRules({ signals: { proxy: 'reject' } }, ['signals.proxy=monitor', 'signals.emulator=allow'])).toEqual(
      {
        signals: { proxy: 'monitor', emulator: 'allow' },
      },
    );
  });
});

describe('policy commands', () => {
  it('policy add sends the preset and the rules from a file with --set laid over them', async () => {
    const file = path.join(testDirectory('rules'), 'rules.json');
    writeFileSync(file, JSON.stringify({ signals: { proxy: 'reject', emulator: 'reject' } }));
    const api = new FakeApi().on('POST', '/v1/policies', { status: 201, body: policy });
    const run = await runAgainst(api, [
      'policy',
      'add',
      'payments',
      '--preset',
      'strict',
      '--rules',
      file,
      '--set',
      'signals.proxy=monitor',
    ]);
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('POST', '/v1/policies').json).toEqual({
      name: 'payments',
      preset: 'strict',
      rules: { signals: { proxy: 'monitor', emulator: 'reject' } },
    });
    expect(run.stdout).toMatch(/^signals\.proxy: +monitor$/m);
    expect(run.stdout).toMatch(/^tokenLifetimeSeconds: +300$/m);
  });

  it('policy update by name sends only what changes; nothing to change is a usage error', async () => {
    const api = new FakeApi()
      .on('GET', '/v1/policies', { body: { items: [policy], nextCursor: null } })
      .on('PATCH', `/v1/policies/${POLICY_ID}`, { body: policy });
    expect((await runAgainst(api, ['policy', 'update', 'payments', '--set', 'tokenLifetimeSeconds=300'])).code).toBe(
      ExitCode.ok,
    );
    expect(api.only('PATCH', `/v1/policies/${POLICY_ID}`).json).toEqual({ rules: { tokenLifetimeSeconds: 300 } });
    const nothing = await runAgainst(api, ['policy', 'update', 'payments']);
    expect(nothing.code).toBe(ExitCode.usage);
    expect(nothing.stderr).toContain('give --name, --rules or --set');
  });

  it('refuses a rules file that is missing or not a JSON object', async () => {
    const dir = testDirectory('rules');
    writeFileSync(path.join(dir, 'list.json'), '[]');
    writeFileSync(path.join(dir, 'broken.json'), '{');
    const api = new FakeApi();
    const cases: [string, string][] = [
      [path.join(dir, 'none.json'), 'no such file'],
      [path.join(dir, 'list.json'), 'must hold a JSON object'],
      [path.join(dir, 'broken.json'), 'is not JSON'],
    ];
    for (const [file, problem] of cases) {
      const run = await runAgainst(api, ['policy', 'add', 'p', '--rules', file]);
      expect(run.code).toBe(ExitCode.usage);
      expect(run.stderr).toContain(problem);
    }
    expect(api.requests).toHaveLength(0);
  });

  it('policy presets shows the presets side by side and what each is for; --json is the answer', async () => {
    const api = new FakeApi().on('GET', '/v1/policies/presets', { body: presets });
    const table = await runAgainst(api, ['policy', 'presets']);
    expect(table.code).toBe(ExitCode.ok);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^RULE\s+DEFAULT\s+STRICT$/);
    expect(table.stdout).toMatch(/^signals\.proxy\s+monitor\s+reject$/m);
    expect(table.stdout).toMatch(/^tokenLifetimeSeconds\s+300\s+120$/m);
    expect(table.stdout).toMatch(/^minimumSecurityLevel\s+software\s+trusted-environment$/m);
    expect(table.stdout).toContain(
      `\n\ndefault:  ${PRESET_DESCRIPTIONS.default}\nstrict:   ${PRESET_DESCRIPTIONS.strict}\n`,
    );
    const json = await runAgainst(api, ['policy', 'presets', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(presets);
  });

  it('policy remove deletes by name; a 409 exits 5', async () => {
    const api = new FakeApi()
      .on('GET', '/v1/policies', { body: { items: [policy], nextCursor: null } })
      .on('DELETE', `/v1/policies/${POLICY_ID}`, {
        status: 409,
        body: { statusCode: 409, message: 'the policy is assigned to apps: assign them another first' },
      });
    const remove = await runAgainst(api, ['policy', 'remove', 'payments']);
    expect(remove.code).toBe(ExitCode.conflict);
    expect(remove.stderr).toContain('the policy is assigned to apps: assign them another first (409)');
  });
});
