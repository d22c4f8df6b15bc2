import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { CliProcess } from '../support/cli-process';
import { RegistrationApp } from '../support/registration-app';
import { freePort } from '../support/service-process';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `cli_${suffix}`;
const prefix = `e2e-${suffix}.`;
const tenant = `cli-${suffix}`;

type Json = Record<string, unknown>;

describe('the `tessera` CLI (built, as its own process) against the registration service', () => {
  let reg: RegistrationApp;
  let adminKey: string;
  let cli: CliProcess;

  beforeAll(async () => {
    reg = await RegistrationApp.start(env, schema, prefix);
    adminKey = (await reg.bootstrap(tenant, 'CLI Corp')).key;
    cli = new CliProcess();
  });

  afterAll(async () => {
    await reg.stop();
  });

  it('logs in with the key from stdin, stores it 0600, and says who it is without printing the key', async () => {
    const login = await cli.run(['login', '--endpoint', reg.url, '--key-stdin'], { stdin: `${adminKey}\n` });
    expect(login).toMatchObject({ code: 0 });
    expect(login.stdout).toContain(`CLI Corp (${tenant})`);
    expect(login.stdout).toContain(`tsk_${adminKey.slice(4, 20)}_****`);
    expect((await stat(cli.configFile)).mode & 0o777).toBe(0o600);

    const whoami = await cli.run(['whoami', '--json']);
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({
      endpoint: reg.url,
      keySource: 'config file',
      tenant: { id: tenant, name: 'CLI Corp', status: 'active' },
    });
  });

  it('creates a team, a developer key and an app; the developer key works through the environment', async () => {
    const team = await cli.run(['team', 'add', 'Payments', '--description', 'pays', '--json']);
    expect(team.code).toBe(0);
    const teamId = (JSON.parse(team.stdout) as Json).id as string;
    expect(await reg.call('GET', `/v1/teams/${teamId}`, { key: adminKey })).toMatchObject({
      status: 200,
      body: { name: 'Payments', description: 'pays' },
    });

    const key = await cli.run(['key', 'add', 'payments ci', '--role', 'developer', '--team', 'Payments', '--json']);
    expect(key.code).toBe(0);
    const created = JSON.parse(key.stdout) as Json;
    expect(created).toMatchObject({ role: 'developer', teamId, key: expect.stringMatching(/^tsk_/) as string });
    expect(key.stderr).toContain('store this key now');

    const app = await cli.run([
      'app',
      'add',
      'Shop',
      '--platform',
      'android',
      '--package',
      'com.example.shop',
      '--team',
      'Payments',
    ]);
    expect(app.code).toBe(0);
    expect(app.stdout).toMatch(/^package: +com\.example\.shop$/m);

    // The developer key from the environment overrides the stored admin key.
    const asDeveloper = await cli.run(['app', 'show', 'com.example.shop', '--json'], {
      env: { TESSERA_API_KEY: created.key as string },
    });
    expect(asDeveloper.code).toBe(0);
    expect(JSON.parse(asDeveloper.stdout)).toMatchObject({ name: 'Shop', teamId, packageName: 'com.example.shop' });
    const listed = await cli.run(['team', 'list']);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID +NAME +DESCRIPTION +CREATED$/);
    expect(listed.stdout).toMatch(
      new RegExp(`^${teamId} +Payments +pays +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`, 'm'),
    );
  });

  it('reads the audit log as a table and as the API’s JSON', async () => {
    const table = await cli.run(['audit', '--action', 'app.create']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^AT +ACTION +TARGET +ACTOR +CHANGE$/m);
    expect(table.stdout).toMatch(new RegExp(`app\\.create +app [0-9a-f-]{36} +${adminKey.slice(4, 20)} +created`));

    const json = await cli.run(['audit', '--json', '--limit', '100']);
    const page = JSON.parse(json.stdout) as { items: Json[]; nextCursor: string | null };
    expect(page.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['team.create', 'key.create', 'app.create']),
    );
    expect(page.nextCursor).toBeNull();
    // Exactly what the API answers.
    expect(page).toEqual((await reg.call('GET', '/v1/audit?limit=100', { key: adminKey })).body);
  });

  it('exits 4 for 404, 5 for 409, 1 for 400 with each problem, 2 for usage errors, with the request id', async () => {
    const missing = await cli.run(['app', 'show', randomUUID()]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/error: no such app \(404\)\n {2}request id: [\w-]+\n/);
    const noTeam = await cli.run(['team', 'show', 'Nobody']);
    expect(noTeam.code).toBe(4);

    const teamsBefore = await reg.count('team');
    const conflict = await cli.run(['team', 'add', 'Payments']);
    expect(conflict.code).toBe(5);
    expect(conflict.stderr).toMatch(/\(409\)\n {2}request id: /);
    const invalid = await cli.run(['team', 'add', ' ']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('error: invalid body (400)\n  - name: must not be empty');
    expect(await reg.count('team')).toBe(teamsBefore);

    const usage = await cli.run(['app', 'add', 'X', '--platform', 'android']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('an Android app needs --package');
  });

  it('exits 3 when the key is refused or missing, and 6 naming an endpoint that does not answer', async () => {
    const unknown = `tsk_0123456789abcdef_${'x'.repeat(43)}`;
    const refused = await cli.run(['--key', unknown, 'tenant', 'show']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('a valid API key is required');
    expect(refused.stderr).not.toContain(unknown);

    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await cli.run(['--endpoint', closed, 'team', 'list']);
    expect(unreachable.code).toBe(6);
    expect(unreachable.stderr).toContain(`cannot reach ${closed}: ECONNREFUSED`);

    const logout = await cli.run(['logout']);
    expect(logout.code).toBe(0);
    await expect(stat(cli.configFile)).rejects.toThrow('ENOENT');
    const loggedOut = await cli.run(['team', 'list']);
    expect(loggedOut.code).toBe(3);
    expect(loggedOut.stderr).toContain('not logged in');
  });

  it('never printed the admin key in any of the runs above (only its masked form)', () => {
    expect(cli.transcript).toContain(`tsk_${adminKey.slice(4, 20)}_****`);
    expect(cli.transcript).not.toContain(adminKey.slice(-43));
  });
});
