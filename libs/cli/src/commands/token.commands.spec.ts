import type { TokenInspection } from '../api/views';
import { ExitCode } from '../exit-codes';
import { ADMIN_KEY, FakeApi, runAgainst, TOKEN_ENDPOINT } from '../testing/fake-api';

const INSPECT = `${TOKEN_ENDPOINT}/v1/tokens/inspect`;
const onToken = { env: { TESSERA_TOKEN_ENDPOINT: TOKEN_ENDPOINT } };
const TOKEN = 'eyJhbGciOiJFUzI1NiIsInR5cCI6InRlc3NlcmErand0Iiwia2lkIjoiazEifQ.eyJzdWIiOiJ4In0.c2ln';
const KID = 'Xq3fK0d2mB9sLw1c';

const claims = {
  iss: 'https://tessera.test/tenants/acme',
  aud: 'tessera:acme',
  sub: '0b6ad7a4-1b7e-4c55-9d0c-2f1e8b9a6c01',
  iat: 1795320539,
  exp: 1795320839,
  jti: '3e1d7c52-5a8f-4f0b-9b43-1f0c3a2b9d10',
  did: 'device-1',
  ipk: 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c',
  reg: '9ee92bed-3677-4571-bff8-231386133af7',
  ann: { tier: 'gold' },
};
const valid: TokenInspection = {
  valid: true,
  header: { alg: 'ES256', typ: 'tessera+jwt', kid: KID },
  claims,
  keyState: 'active',
};
const expired: TokenInspection = {
  valid: false,
  reason: 'expired',
  detail: 'the token has expired (exp)',
  header: { alg: 'ES256', typ: 'tessera+jwt', kid: KID },
  claims: { did: 'device-1', exp: 1795320839 },
};
const malformed: TokenInspection = {
  valid: false,
  reason: 'malformed',
  detail: 'not a compact JWS with a JSON header and JSON claims',
};

describe('token check', () => {
  it('prints valid, the key, then the header and the claims (exp and iat also as times); exit 0', async () => {
    const api = new FakeApi().on('POST', INSPECT, { body: valid });
    const run = await runAgainst(api, ['token', 'check', TOKEN], onToken);
    expect(run.code).toBe(ExitCode.ok);
    const inspect = api.only('POST', INSPECT);
    expect(inspect.json).toEqual({ token: TOKEN });
    expect(inspect.headers.get('authorization')).toBe(`Bearer ${ADMIN_KEY}`);
    expect(run.stdout.split('\n')).toEqual([
      `valid — signed by key ${KID} (active)`,
      'header:',
      '  alg:  ES256',
      '  typ:  tessera+jwt',
      `  kid:  ${KID}`,
      'claims:',
      '  iss:       https://tessera.test/tenants/acme',
      '  aud:       tessera:acme',
      '  sub:       0b6ad7a4-1b7e-4c55-9d0c-2f1e8b9a6c01',
      '  iat:       1795320539 (2026-11-22T04:08:59Z)',
      '  exp:       1795320839 (2026-11-22T04:13:59Z)',
      '  jti:       3e1d7c52-5a8f-4f0b-9b43-1f0c3a2b9d10',
      '  did:       device-1',
      '  ipk:       q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c',
      '  reg:       9ee92bed-3677-4571-bff8-231386133af7',
      '  ann.tier:  gold',
      '',
    ]);
    expect(run.stderr).toBe('');
  });

  it('prints invalid with the reason and detail, and what the token says (unverified); exit 8', async () => {
    const api = new FakeApi().on('POST', INSPECT, { body: expired });
    const run = await runAgainst(api, ['token', 'check', TOKEN], onToken);
    expect(run.code).toBe(ExitCode.tokenInvalid);
    expect(run.code).toBe(8);
    expect(run.stdout.split('\n')).toEqual([
      'invalid: expired — the token has expired (exp)',
      'header (unverified):',
      '  alg:  ES256',
      '  typ:  tessera+jwt',
      `  kid:  ${KID}`,
      'claims (unverified):',
      '  did:  device-1',
      '  exp:  1795320839 (2026-11-22T04:13:59Z)',
      '',
    ]);
    // The answer is the whole result: no error message besides it.
    expect(run.stderr).toBe('');

    const garbage = await runAgainst(
      new FakeApi().on('POST', INSPECT, { body: malformed }),
      ['token', 'check', 'x'],
      onToken,
    );
    expect(garbage.code).toBe(ExitCode.tokenInvalid);
    expect(garbage.stdout).toBe('invalid: malformed — not a compact JWS with a JSON header and JSON claims\n');
  });

  it("--json prints the service's answer exactly, with the same exit codes", async () => {
    for (const [answer, code] of [
      [valid, ExitCode.ok],
      [expired, ExitCode.tokenInvalid],
    ] as const) {
      const api = new FakeApi().on('POST', INSPECT, { body: answer });
      const run = await runAgainst(api, ['token', 'check', TOKEN, '--json'], onToken);
      expect(run.code).toBe(code);
      expect(JSON.parse(run.stdout)).toEqual(answer);
    }
  });

  it('reads the token from stdin, trimmed, with no argument or -; passes --audience', async () => {
    const api = new FakeApi().on('POST', INSPECT, { body: valid });
    expect((await runAgainst(api, ['token', 'check'], { ...onToken, stdin: `  ${TOKEN}\n` })).code).toBe(ExitCode.ok);
    await runAgainst(api, ['token', 'check', '-', '--audience', 'api.example.com'], {
      ...onToken,
      stdin: `${TOKEN}\r\n`,
    });
    expect(api.requests.map((r) => r.json)).toEqual([{ token: TOKEN }, { token: TOKEN, audience: 'api.example.com' }]);
  });

  it('an empty token is a usage error (exit 2), and nothing is sent', async () => {
    const api = new FakeApi().on('POST', INSPECT, { body: valid });
    const run = await runAgainst(api, ['token', 'check'], { ...onToken, stdin: ' \n' });
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain('error: no token given');
    expect(api.requests).toHaveLength(0);
  });

  it('without a token endpoint: exit 2 saying how to set it, before reading stdin or sending anything', async () => {
    const api = new FakeApi().on('POST', INSPECT, { body: valid });
    let read = false;
    const run = await runAgainst(api, ['token', 'check'], {
      env: { TESSERA_TOKEN_ENDPOINT: undefined },
      get stdin() {
        read = true;
        return TOKEN;
      },
    });
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain('error: no token service endpoint is set');
    expect(run.stderr).toContain('tessera login --token-endpoint <url>');
    expect(run.stderr).toContain('TESSERA_TOKEN_ENDPOINT');
    expect(read).toBe(false);
    expect(api.requests).toHaveLength(0);
  });

  it('a refused key is exit 3 and a missing permission exit 1, with the service message; never the key', async () => {
    const api = new FakeApi().on('POST', INSPECT, {
      status: 401,
      body: { statusCode: 401, message: 'a valid API key is required: Authorization: Bearer tsk_...', requestId: 'r1' },
    });
    const refused = await runAgainst(api, ['token', 'check', TOKEN], onToken);
    expect(refused.code).toBe(ExitCode.notLoggedIn);
    expect(refused.stderr).toContain('(a key created a moment ago reaches the token service shortly after)');
    api.on('POST', INSPECT, {
      status: 403,
      body: { statusCode: 403, message: 'the developer role may not do this (needs token:inspect)', requestId: 'r2' },
    });
    const forbidden = await runAgainst(api, ['token', 'check', TOKEN], onToken);
    expect(forbidden.code).toBe(ExitCode.failure);
    expect(forbidden.stderr).toBe(
      'error: the developer role may not do this (needs token:inspect) (403)\n  request id: r2\n',
    );
    for (const run of [refused, forbidden]) expect(run.stdout + run.stderr).not.toContain(ADMIN_KEY.slice(-43));
  });
});
