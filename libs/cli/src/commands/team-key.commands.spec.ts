import { ExitCode } from '../exit-codes';
import { FakeApi, runAgainst } from '../testing/fake-api';

const TEAM_ID = '4ff4f2ad-e372-4a97-b9bc-034225007224';
const team = (id: string, name: string) => ({
  id,
  name,
  description: '',
  createdAt: '2026-11-22T04:08:59.105Z',
  updatedAt: '2026-11-22T04:08:59.105Z',
});
const NEW_KEY = `tsk_aaaabbbbccccdddd_${'N'.repeat(43)}`;
const createdKey = {
  id: 'aaaabbbbccccdddd',
  name: 'ci',
  role: 'developer',
  teamId: TEAM_ID,
  createdAt: '2026-11-22T04:08:59.105Z',
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
  key: NEW_KEY,
};

describe('team commands', () => {
  it('team add sends the name and description and shows the team', async () => {
    const api = new FakeApi().on('POST', '/v1/teams', { status: 201, body: team(TEAM_ID, 'Payments') });
    const run = await runAgainst(api, ['team', 'add', 'Payments', '--description', 'pays']);
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('POST', '/v1/teams').json).toEqual({ name: 'Payments', description: 'pays' });
    expect(run.stdout).toContain(`id:           ${TEAM_ID}`);
    expect(run.stdout).toContain('created:      2026-11-22T04:08:59Z');
  });

  it('team list prints one page and a hint; --all follows nextCursor; --json prints the answer exactly', async () => {
    const pages: Record<string, { items: unknown[]; nextCursor: string | null }> = {
      '': { items: [team(TEAM_ID, 'Payments')], nextCursor: TEAM_ID },
      [TEAM_ID]: { items: [team('5ff4f2ad-e372-4a97-b9bc-034225007224', 'Growth')], nextCursor: null },
    };
    const api = new FakeApi().on('GET', '/v1/teams', (r) => ({ body: pages[r.url.searchParams.get('cursor') ?? ''] }));
    const one = await runAgainst(api, ['team', 'list', '--limit', '1']);
    expect(one.stdout.split('\n')[0]).toBe('ID                                    NAME      DESCRIPTION  CREATED');
    expect(one.stdout).toContain('Payments');
    expect(one.stdout).not.toContain('Growth');
    expect(one.stderr).toBe(`more teams: run again with --cursor ${TEAM_ID}, or with --all for every page\n`);
    expect(api.requests[0]?.url.search).toBe('?limit=1');

    const all = await runAgainst(api, ['team', 'list', '--all', '--json']);
    expect(JSON.parse(all.stdout)).toEqual({
      items: [...(pages['']?.items ?? []), ...(pages[TEAM_ID]?.items ?? [])],
      nextCursor: null,
    });
    expect(api.requests.slice(1).map((r) => r.url.search)).toEqual(['?limit=100', `?limit=100&cursor=${TEAM_ID}`]);

    const json = await runAgainst(api, ['--json', 'team', 'list']);
    expect(JSON.parse(json.stdout)).toEqual(pages['']);
    expect(json.stderr).toBe('');
  });

  it('takes a team name where an id goes, and says when no team has that name (exit 4)', async () => {
    const api = new FakeApi()
      .on('GET', '/v1/teams', { body: { items: [team(TEAM_ID, 'Payments')], nextCursor: null } })
      .on('PATCH', `/v1/teams/${TEAM_ID}`, { body: team(TEAM_ID, 'Payouts') })
      .on('DELETE', `/v1/teams/${TEAM_ID}`, { status: 204 });
    expect((await runAgainst(api, ['team', 'rename', 'Payments', 'Payouts'])).code).toBe(ExitCode.ok);
    expect(api.only('PATCH', `/v1/teams/${TEAM_ID}`).json).toEqual({ name: 'Payouts' });
    const removed = await runAgainst(api, ['team', 'remove', 'Payments', '--json']);
    expect(JSON.parse(removed.stdout)).toEqual({ id: TEAM_ID, removed: true });
    const missing = await runAgainst(api, ['team', 'show', 'Nobody']);
    expect(missing.code).toBe(ExitCode.notFound);
    expect(missing.stderr).toContain('no team named Nobody');
    expect((await runAgainst(api, ['team', 'rename', 'Payments'])).code).toBe(ExitCode.usage);
  });

  it('maps a 409 to exit 5 with the reason', async () => {
    const api = new FakeApi().on('POST', '/v1/teams', {
      status: 409,
      body: { statusCode: 409, message: 'a team named Payments exists already', requestId: 'r9' },
    });
    const run = await runAgainst(api, ['team', 'add', 'Payments']);
    expect(run.code).toBe(ExitCode.conflict);
    expect(run.stderr).toBe('error: a team named Payments exists already (409)\n  request id: r9\n');
    expect(run.stdout).toBe('');
  });
});

describe('key commands', () => {
  it('key add resolves the team, prints the new key once with a warning', async () => {
    const api = new FakeApi()
      .on('GET', '/v1/teams', { body: { items: [team(TEAM_ID, 'Payments')], nextCursor: null } })
      .on('POST', '/v1/keys', { status: 201, body: createdKey });
    const run = await runAgainst(api, [
      'key',
      'add',
      'ci',
      '--role',
      'developer',
      '--team',
      'Payments',
      '--expires-at',
      '2027-01-01T00:00:00Z',
    ]);
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('POST', '/v1/keys').json).toEqual({
      name: 'ci',
      role: 'developer',
      teamId: TEAM_ID,
      expiresAt: '2027-01-01T00:00:00Z',
    });
    expect(run.stdout.split(NEW_KEY)).toHaveLength(2);
    expect(run.stderr).toContain('store this key now');

    const json = await runAgainst(api, ['key', 'add', 'ci', '--role', 'admin', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(createdKey);
  });

  it('refuses a role that does not exist before sending anything', async () => {
    const api = new FakeApi();
    const run = await runAgainst(api, ['key', 'add', 'ci', '--role', 'owner']);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain('Allowed choices are admin, developer');
    expect(api.requests).toHaveLength(0);
  });

  it('key list --team filters by team id; key revoke takes the id or the masked key', async () => {
    const revoked = { ...createdKey, key: undefined, revokedAt: '2026-11-23T00:00:00.000Z' };
    const api = new FakeApi()
      .on('GET', '/v1/keys', { body: { items: [], nextCursor: null } })
      .on('POST', '/v1/keys/aaaabbbbccccdddd/revoke', { body: revoked });
    const list = await runAgainst(api, ['key', 'list', '--team', TEAM_ID]);
    expect(list.stdout).toBe('no keys\n');
    expect(api.only('GET', '/v1/keys').url.searchParams.get('teamId')).toBe(TEAM_ID);
    const run = await runAgainst(api, ['key', 'revoke', 'tsk_aaaabbbbccccdddd_****']);
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toContain('revoked:    2026-11-23T00:00:00Z');
    expect((await runAgainst(api, ['key', 'show', 'nope'])).code).toBe(ExitCode.usage);
  });
});
