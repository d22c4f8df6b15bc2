import { ExitCode } from '../exit-codes';
import { FakeApi, runAgainst } from '../testing/fake-api';

const APP_ID = '0b6ad7a4-1b7e-4c55-9d0c-2f1e8b9a6c01';
const OTHER_APP_ID = '1b6ad7a4-1b7e-4c55-9d0c-2f1e8b9a6c01';
const TEAM_ID = '4ff4f2ad-e372-4a97-b9bc-034225007224';
const POLICY_ID = '7a1c7e0e-77a8-4c1e-8a55-64a2b8f0d9aa';
const android = {
  id: APP_ID,
  teamId: TEAM_ID,
  name: 'Shop',
  platform: 'android',
  packageName: 'com.example.shop',
  appleTeamId: null,
  bundleId: null,
  policyId: null,
  createdAt: '2026-11-22T04:08:59.105Z',
  updatedAt: '2026-11-22T04:08:59.105Z',
};
const ios = {
  ...android,
  id: OTHER_APP_ID,
  platform: 'ios',
  packageName: null,
  appleTeamId: 'ABCDE12345',
  bundleId: 'com.example.shop',
};

const withApps = (...apps: unknown[]) =>
  new FakeApi().on('GET', '/v1/apps', { body: { items: apps, nextCursor: null } });

describe('app commands', () => {
  it('app add sends the Android or iOS identifiers of the platform', async () => {
    const api = new FakeApi().on('POST', '/v1/apps', { status: 201, body: android });
    const run = await runAgainst(api, [
      'app',
      'add',
      'Shop',
      '--platform',
      'android',
      '--package',
      'com.example.shop',
      '--team',
      TEAM_ID,
    ]);
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toContain('package:   com.example.shop');
    expect(run.stdout).toContain('policy:    default (built-in)');
    await runAgainst(api, [
      'app',
      'add',
      'Shop',
      '--platform',
      'ios',
      '--apple-team-id',
      'ABCDE12345',
      '--bundle-id',
      'com.example.shop',
    ]);
    expect(api.requests.map((r) => r.json)).toEqual([
      { name: 'Shop', teamId: TEAM_ID, platform: 'android', packageName: 'com.example.shop' },
      { name: 'Shop', platform: 'ios', appleTeamId: 'ABCDE12345', bundleId: 'com.example.shop' },
    ]);
  });

  it.each([
    [['--platform', 'android'], 'needs --package'],
    [['--platform', 'android', '--package', 'a.b', '--bundle-id', 'a.b'], 'are for iOS apps'],
    [['--platform', 'ios', '--bundle-id', 'a.b'], 'needs --apple-team-id'],
    [['--platform', 'ios', '--package', 'a.b'], 'is for Android apps'],
    [['--platform', 'windows'], 'Allowed choices are android, ios'],
    [[], "required option '--platform <platform>'"],
  ])('app add %j is a usage error (%s), sending nothing', async (options, problem) => {
    const api = new FakeApi();
    const run = await runAgainst(api, ['app', 'add', 'Shop', ...options]);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain(problem);
    expect(api.requests).toHaveLength(0);
  });

  it('finds an app by package name, bundle id or team id + bundle id', async () => {
    const api = withApps(android, { ...ios, bundleId: 'com.example.ios' }).on('GET', `/v1/apps/${APP_ID}`, {
      body: android,
    });
    api.on('GET', `/v1/apps/${OTHER_APP_ID}`, { body: ios });
    for (const ref of ['com.example.shop', APP_ID]) {
      expect((await runAgainst(api, ['app', 'show', ref])).code).toBe(ExitCode.ok);
    }
    await runAgainst(api, ['app', 'show', 'com.example.ios']);
    await runAgainst(api, ['app', 'show', 'ABCDE12345.com.example.ios']);
    expect(api.requests.filter((r) => r.url.pathname.startsWith('/v1/apps/')).map((r) => r.url.pathname)).toEqual([
      `/v1/apps/${APP_ID}`,
      `/v1/apps/${APP_ID}`,
      `/v1/apps/${OTHER_APP_ID}`,
      `/v1/apps/${OTHER_APP_ID}`,
    ]);
  });

  it('says when a name matches no app (exit 4) or several (exit 1, listing their ids)', async () => {
    const api = withApps(android, ios);
    const ambiguous = await runAgainst(api, ['app', 'remove', 'com.example.shop']);
    expect(ambiguous.code).toBe(ExitCode.failure);
    expect(ambiguous.stderr).toContain('2 apps match com.example.shop: give the id instead');
    expect(ambiguous.stderr).toContain(OTHER_APP_ID);
    const missing = await runAgainst(api, ['app', 'remove', 'com.example.none']);
    expect(missing.code).toBe(ExitCode.notFound);
    expect(api.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('set-policy sends a policy found by name, or null for the built-in default', async () => {
    const api = withApps(android)
      .on('GET', '/v1/policies', { body: { items: [{ id: POLICY_ID, name: 'strict-payments' }], nextCursor: null } })
      .on('PUT', `/v1/apps/${APP_ID}/policy`, (r) => ({ body: { ...android, ...(r.json as object) } }));
    expect((await runAgainst(api, ['app', 'set-policy', 'com.example.shop', 'strict-payments'])).code).toBe(
      ExitCode.ok,
    );
    const reset = await runAgainst(api, ['app', 'set-policy', APP_ID, 'default', '--json']);
    expect(JSON.parse(reset.stdout)).toEqual({ ...android, policyId: null });
    expect(api.requests.filter((r) => r.method === 'PUT').map((r) => r.json)).toEqual([
      { policyId: POLICY_ID },
      { policyId: null },
    ]);
  });

  it('app list passes its filters; rename sends the name', async () => {
    const api = withApps(android).on('PATCH', `/v1/apps/${APP_ID}`, { body: { ...android, name: 'Store' } });
    const list = await runAgainst(api, ['app', 'list', '--team', TEAM_ID, '--platform', 'android']);
    expect(list.stdout).toContain('com.example.shop');
    expect(api.only('GET', '/v1/apps').url.search).toBe(`?teamId=${TEAM_ID}&platform=android`);
    await runAgainst(api, ['app', 'rename', APP_ID, 'Store']);
    expect(api.only('PATCH', `/v1/apps/${APP_ID}`).json).toEqual({ name: 'Store' });
  });
});
