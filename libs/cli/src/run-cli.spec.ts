import { ExitCode } from './exit-codes';
import { ADMIN_KEY, FakeApi, runAgainst } from './testing/fake-api';

describe('runCli', () => {
  it('answers 0 for help, 2 for usage errors, with commander messages on stderr', async () => {
    const api = new FakeApi();
    const help = await runAgainst(api, ['--help']);
    expect(help.code).toBe(ExitCode.ok);
    expect(help.stdout).toContain('Exit codes: 0 ok');
    const cases = [
      ['bogus'],
      ['team'],
      ['team', 'add'],
      ['team', 'list', '--nope'],
      ['--timeout', '0', 'team', 'list'],
      ['team', 'list', '--all', '--cursor', 'x'],
    ];
    for (const argv of cases) {
      const run = await runAgainst(api, argv);
      expect({ argv, code: run.code }).toEqual({ argv, code: ExitCode.usage });
      expect(run.stderr).not.toBe('');
    }
    expect(api.requests).toHaveLength(0);
  });

  it('answers 7 for a server error and 6 for an unreachable endpoint, naming it', async () => {
    const api = new FakeApi().on('GET', '/v1/tenants/current', {
      status: 503,
      body: { statusCode: 503, message: 'the service is starting', requestId: 'r' },
    });
    expect((await runAgainst(api, ['tenant', 'show'])).code).toBe(ExitCode.serverError);
    api.unreachable = true;
    const down = await runAgainst(api, ['--endpoint', 'http://127.0.0.1:1', 'tenant', 'show']);
    expect(down.code).toBe(ExitCode.unreachable);
    expect(down.stderr).toContain('error: cannot reach http://127.0.0.1:1: ECONNREFUSED');
  });

  it('never writes the key, even inside an error message', async () => {
    const api = new FakeApi();
    const run = await runAgainst(api, ['--timeout', ADMIN_KEY, 'team', 'list']);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain('tsk_0123456789abcdef_****');
    expect(run.stderr).not.toContain(ADMIN_KEY);
  });

  it('with --json prints one JSON document: the API answer as it came', async () => {
    const tenant = {
      id: 'acme',
      name: 'Acme',
      status: 'active',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      extra: [1],
    };
    const api = new FakeApi().on('GET', '/v1/tenants/current', { body: tenant });
    const run = await runAgainst(api, ['tenant', 'show', '--json']);
    expect(JSON.parse(run.stdout)).toEqual(tenant);
    const human = await runAgainst(api, ['tenant', 'show']);
    expect(human.stdout).toBe(
      'id:       acme\nname:     Acme\nstatus:   active\ncreated:  2026-01-01T00:00:00Z\nupdated:  2026-01-01T00:00:00Z\n',
    );
  });
});
