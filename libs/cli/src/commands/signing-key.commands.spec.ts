import type { SigningKey, SigningSettings } from '../api/views';
import { ExitCode } from '../exit-codes';
import { ADMIN_KEY, FakeApi, runAgainst, TOKEN_ENDPOINT } from '../testing/fake-api';

const onToken = { env: { TESSERA_TOKEN_ENDPOINT: TOKEN_ENDPOINT } };
const at = (path: string) => `${TOKEN_ENDPOINT}${path}`;
const X = 'f3Qn0yW3m8R7lK2pV6tB1cD9eA4sG5hJ0kL3zX8vN2M';
const Y = 'b7Rk2uP4oI9yT1rE6wQ3aS8dF5gH0jK7lZ2xC4vB9nM';

const next: SigningKey = {
  kid: 'NextKey0000000aa',
  alg: 'ES256',
  state: 'next',
  publicJwk: { kty: 'EC', crv: 'P-256', x: X, y: Y },
  createdAt: '2026-11-22T05:00:00.000Z',
  activatedAt: null,
  deactivatedAt: null,
  retiresAt: null,
  revokedAt: null,
  revocationReason: null,
};
const active: SigningKey = {
  ...next,
  kid: 'ActiveKey000000a',
  state: 'active',
  createdAt: '2026-11-21T04:00:00.000Z',
  activatedAt: '2026-11-21T05:00:00.000Z',
};
const retiring: SigningKey = {
  ...active,
  kid: 'RetiringKey0000a',
  state: 'retiring',
  deactivatedAt: '2026-11-22T05:00:00.000Z',
  retiresAt: '2026-11-23T05:01:00.000Z',
};
const hs256: SigningKey = { ...active, kid: 'SharedKey000000a', alg: 'HS256', publicJwk: null };
const settings: SigningSettings = {
  tenantId: 'acme',
  algorithm: 'ES256',
  rotationPeriodSeconds: 86_400,
  audience: 'tessera:acme',
  issuer: 'https://tessera.example.com/tenants/acme',
  jwksUri: 'https://tessera.example.com/tenants/acme/.well-known/jwks.json',
};
const conflict = (message: string) => ({ status: 409, body: { statusCode: 409, message, requestId: 'r9' } });
const TOO_NEW =
  'the next key NextKey0000000aa has been published for less than 3600 s; it may sign from 2026-11-22T06:00:00.000Z (or force the rotation)';

describe('signing-key list and show', () => {
  it('list prints a table of the keys from the token service, with the key; --json prints the answer', async () => {
    const api = new FakeApi().on('GET', at('/v1/signing-keys'), { body: { items: [next, active] } });
    const run = await runAgainst(api, ['signing-key', 'list'], onToken);
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('GET', at('/v1/signing-keys')).headers.get('authorization')).toBe(`Bearer ${ADMIN_KEY}`);
    expect(run.stdout.split('\n')).toEqual([
      'KID               ALG    STATE   CREATED               ACTIVATED             RETIRES  REVOKED',
      'NextKey0000000aa  ES256  next    2026-11-22T05:00:00Z  -                     -        -',
      'ActiveKey000000a  ES256  active  2026-11-21T04:00:00Z  2026-11-21T05:00:00Z  -        -',
      '',
    ]);
    const json = await runAgainst(api, ['signing-key', 'list', '--json'], onToken);
    expect(JSON.parse(json.stdout)).toEqual({ items: [next, active] });
    const none = await runAgainst(
      new FakeApi().on('GET', at('/v1/signing-keys'), { body: { items: [] } }),
      ['signing-key', 'list'],
      onToken,
    );
    expect(none.stdout).toBe('no signing keys\n');
  });

  it('show prints the key with its public key, one coordinate a line; an HS256 key has none', async () => {
    const api = new FakeApi()
      .on('GET', at(`/v1/signing-keys/${retiring.kid}`), { body: retiring })
      .on('GET', at(`/v1/signing-keys/${hs256.kid}`), { body: hs256 });
    const run = await runAgainst(api, ['signing-key', 'show', retiring.kid], onToken);
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout.split('\n')).toEqual([
      'kid:          RetiringKey0000a',
      'algorithm:    ES256',
      'state:        retiring',
      'public key:   EC P-256',
      `              x: ${X}`,
      `              y: ${Y}`,
      'created:      2026-11-21T04:00:00Z',
      'activated:    2026-11-21T05:00:00Z',
      'deactivated:  2026-11-22T05:00:00Z',
      'retires:      2026-11-23T05:01:00Z',
      'revoked:      -',
      'reason:       -',
      '',
    ]);
    const shared = await runAgainst(api, ['signing-key', 'show', hs256.kid], onToken);
    expect(shared.stdout).toMatch(/^public key: +- \(HS256: a shared secret, see `tessera signing-key secret`\)$/m);
    const json = await runAgainst(api, ['signing-key', 'show', retiring.kid, '--json'], onToken);
    expect(JSON.parse(json.stdout)).toEqual(retiring);
  });

  it('refuses what is not a kid before sending (exit 2); an unknown kid is exit 4', async () => {
    const api = new FakeApi().on('GET', at('/v1/signing-keys/NoSuchKey0000000'), {
      status: 404,
      body: { statusCode: 404, message: 'no signing key NoSuchKey0000000', requestId: 'r4' },
    });
    const bad = await runAgainst(api, ['signing-key', 'show', 'a/b'], onToken);
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toContain('not a key id: a/b');
    expect(api.requests).toHaveLength(0);
    const missing = await runAgainst(api, ['signing-key', 'show', 'NoSuchKey0000000'], onToken);
    expect(missing.code).toBe(ExitCode.notFound);
    expect(missing.stderr).toBe('error: no signing key NoSuchKey0000000 (404)\n  request id: r4\n');
  });
});

describe('signing-key rotate', () => {
  it('a rotation before the publish lead is exit 5 with the service message (when it becomes possible)', async () => {
    const api = new FakeApi().on('POST', at('/v1/signing-keys/rotate'), conflict(TOO_NEW));
    const run = await runAgainst(api, ['signing-key', 'rotate'], onToken);
    expect(run.code).toBe(ExitCode.conflict);
    expect(api.only('POST', at('/v1/signing-keys/rotate')).json).toEqual({});
    expect(run.stderr.split('\n')).toEqual([
      `error: ${TOO_NEW} (409)`,
      '  to rotate now anyway: tessera signing-key rotate --force (verifiers whose cached JWKS predates the next key',
      '  refuse its tokens until they fetch the JWKS again)',
      '  request id: r9',
      '',
    ]);
    expect(run.stdout).toBe('');
  });

  it('--force rotates: says which key signs now, lists the keys in use, and warns about cached JWKS', async () => {
    const rotated = { items: [{ ...next, kid: 'NewNextKey00000a' }, { ...next, state: 'active' }, retiring] };
    const api = new FakeApi().on('POST', at('/v1/signing-keys/rotate'), { body: rotated });
    const run = await runAgainst(api, ['signing-key', 'rotate', '--force'], onToken);
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('POST', at('/v1/signing-keys/rotate')).json).toEqual({ force: true });
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([
      'rotated: key NextKey0000000aa signs from now',
      'KID               ALG    STATE     CREATED               ACTIVATED             RETIRES               REVOKED',
    ]);
    expect(run.stdout).toMatch(/^RetiringKey0000a +ES256 +retiring .* 2026-11-23T05:01:00Z +-$/m);
    expect(run.stderr).toContain('warning: forced: verifiers whose cached JWKS predates the new key refuse its tokens');
    const json = await runAgainst(api, ['signing-key', 'rotate', '--force', '--json'], onToken);
    expect(JSON.parse(json.stdout)).toEqual(rotated);
  });

  it("a developer's rotation is exit 1 with the service's 403 message", async () => {
    const api = new FakeApi().on('POST', at('/v1/signing-keys/rotate'), {
      status: 403,
      body: {
        statusCode: 403,
        message: 'the developer role may not do this (needs signing-key:write)',
        requestId: 'r3',
      },
    });
    const run = await runAgainst(api, ['signing-key', 'rotate'], onToken);
    expect(run.code).toBe(ExitCode.failure);
    expect(run.stderr).toBe(
      'error: the developer role may not do this (needs signing-key:write) (403)\n  request id: r3\n',
    );
  });
});

describe('signing-key revoke', () => {
  it('sends the reason and shows the revoked key; --reason is required', async () => {
    const revoked: SigningKey = {
      ...active,
      state: 'revoked',
      deactivatedAt: '2026-11-22T06:00:00.000Z',
      revokedAt: '2026-11-22T06:00:00.000Z',
      revocationReason: 'found in a log',
    };
    const api = new FakeApi().on('POST', at(`/v1/signing-keys/${active.kid}/revoke`), { body: revoked });
    const run = await runAgainst(api, ['signing-key', 'revoke', active.kid, '--reason', ' found in a log '], onToken);
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('POST', at(`/v1/signing-keys/${active.kid}/revoke`)).json).toEqual({ reason: 'found in a log' });
    expect(run.stdout).toContain('state:        revoked\n');
    expect(run.stdout).toContain('revoked:      2026-11-22T06:00:00Z\nreason:       found in a log\n');
    expect(run.stderr).toContain(`tokens signed by ${active.kid} are refused from now on`);

    for (const argv of [
      ['signing-key', 'revoke', active.kid],
      ['signing-key', 'revoke', active.kid, '--reason', ' '],
    ]) {
      const refused = await runAgainst(api, argv, onToken);
      expect(refused.code).toBe(ExitCode.usage);
    }
    expect(api.requests).toHaveLength(1);
  });

  it('revoking a revoked key is exit 5, an unknown one exit 4', async () => {
    const api = new FakeApi()
      .on('POST', at(`/v1/signing-keys/${active.kid}/revoke`), conflict(`key ${active.kid} is revoked already`))
      .on('POST', at('/v1/signing-keys/NoSuchKey0000000/revoke'), {
        status: 404,
        body: { statusCode: 404, message: 'no signing key NoSuchKey0000000' },
      });
    const again = await runAgainst(api, ['signing-key', 'revoke', active.kid, '--reason', 'x'], onToken);
    expect(again.code).toBe(ExitCode.conflict);
    expect(again.stderr).toContain(`error: key ${active.kid} is revoked already (409)`);
    const unknown = await runAgainst(api, ['signing-key', 'revoke', 'NoSuchKey0000000', '--reason', 'x'], onToken);
    expect(unknown.code).toBe(ExitCode.notFound);
  });
});

describe('signing-key secret', () => {
  const answer = { kid: hs256.kid, alg: 'HS256', secret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA' };

  it('prints the secret alone on stdout, for piping, and warns on stderr that it is a shared secret', async () => {
    const api = new FakeApi().on('GET', at(`/v1/signing-keys/${hs256.kid}/secret`), { body: answer });
    const run = await runAgainst(api, ['signing-key', 'secret', hs256.kid], onToken);
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toBe(`${answer.secret}\n`);
    expect(run.stderr).toContain(`warning: this is the shared secret of ${hs256.kid}`);
    const json = await runAgainst(api, ['signing-key', 'secret', hs256.kid, '--json'], onToken);
    expect(JSON.parse(json.stdout)).toEqual(answer);
  });

  it('an ES256 key has no secret: exit 5 with the reason', async () => {
    const message = `key ${active.kid} is ES256: its public key is in the JWKS, it has no shared secret`;
    const api = new FakeApi().on('GET', at(`/v1/signing-keys/${active.kid}/secret`), conflict(message));
    const run = await runAgainst(api, ['signing-key', 'secret', active.kid], onToken);
    expect(run.code).toBe(ExitCode.conflict);
    expect(run.stderr).toContain(`error: ${message} (409)`);
    expect(run.stdout).toBe('');
  });
});

describe('signing-key settings', () => {
  it('shows the settings (the default subcommand) with the JWKS URL; --json is the answer', async () => {
    const api = new FakeApi().on('GET', at('/v1/signing-settings'), { body: settings });
    for (const argv of [
      ['signing-key', 'settings'],
      ['signing-key', 'settings', 'show'],
    ]) {
      const run = await runAgainst(api, argv, onToken);
      expect(run.code).toBe(ExitCode.ok);
      expect(run.stdout.split('\n')).toEqual([
        'tenant:           acme',
        'algorithm:        ES256',
        'rotation period:  1d (86400 s)',
        'audience:         tessera:acme',
        'issuer:           https://tessera.example.com/tenants/acme',
        'jwks:             https://tessera.example.com/tenants/acme/.well-known/jwks.json',
        '',
      ]);
    }
    const json = await runAgainst(api, ['signing-key', 'settings', '--json'], onToken);
    expect(JSON.parse(json.stdout)).toEqual(settings);
  });

  it('set sends only what is given, with the rotation period in seconds', async () => {
    const api = new FakeApi().on('PUT', at('/v1/signing-settings'), (request) => ({
      body: { ...settings, ...(request.json as object) },
    }));
    const cases: [string[], unknown][] = [
      [['--rotation-period', '12h'], { rotationPeriodSeconds: 43_200 }],
      [
        ['--rotation-period', '7d', '--audience', 'api.example.com'],
        { rotationPeriodSeconds: 604_800, audience: 'api.example.com' },
      ],
      [['--rotation-period', '3600'], { rotationPeriodSeconds: 3600 }],
      [['--algorithm', 'EdDSA'], { algorithm: 'EdDSA' }],
    ];
    for (const [options, body] of cases) {
      const run = await runAgainst(api, ['signing-key', 'settings', 'set', ...options], onToken);
      expect(run.code).toBe(ExitCode.ok);
      expect(api.requests.at(-1)?.json).toEqual(body);
    }
    const updated = await runAgainst(api, ['signing-key', 'settings', 'set', '--rotation-period', '12h'], onToken);
    expect(updated.stdout).toContain('rotation period:  12h (43200 s)\n');
    const algorithm = await runAgainst(
      api,
      ['signing-key', 'settings', 'set', '--algorithm', 'HS256', '--json'],
      onToken,
    );
    expect(JSON.parse(algorithm.stdout)).toEqual({ ...settings, algorithm: 'HS256' });
    expect(algorithm.stderr).toContain('new keys are HS256');
    expect(algorithm.stderr).toContain('warning: HS256 is a compatibility mode');
  });

  it('refuses no change, a bad duration or algorithm before sending (exit 2); the API bounds are exit 1', async () => {
    const api = new FakeApi().on('PUT', at('/v1/signing-settings'), {
      status: 400,
      body: {
        statusCode: 400,
        message: 'invalid body',
        errors: ['rotationPeriodSeconds: at least an hour (3600)'],
        requestId: 'r0',
      },
    });
    const usage: [string[], string][] = [
      [[], 'nothing to change: give --algorithm, --rotation-period or --audience'],
      [['--rotation-period', '1w'], 'expected a duration such as 12h, 1d or 7d, or a number of seconds'],
      [['--rotation-period', '0'], 'expected a duration'],
      [['--algorithm', 'RS256'], 'Allowed choices are ES256, EdDSA, HS256'],
    ];
    for (const [options, problem] of usage) {
      const run = await runAgainst(api, ['signing-key', 'settings', 'set', ...options], onToken);
      expect({ options, code: run.code }).toEqual({ options, code: ExitCode.usage });
      expect(run.stderr).toContain(problem);
    }
    expect(api.requests).toHaveLength(0);
    const short = await runAgainst(api, ['signing-key', 'settings', 'set', '--rotation-period', '30m'], onToken);
    expect(short.code).toBe(ExitCode.failure);
    expect(short.stderr).toContain('  - rotationPeriodSeconds: at least an hour (3600)\n');
    expect(api.only('PUT', at('/v1/signing-settings')).json).toEqual({ rotationPeriodSeconds: 1800 });
  });
});

describe('every token service command', () => {
  const commands = [
    ['signing-key', 'list'],
    ['signing-key', 'show', active.kid],
    ['signing-key', 'rotate'],
    ['signing-key', 'revoke', active.kid, '--reason', 'x'],
    ['signing-key', 'secret', hs256.kid],
    ['signing-key', 'settings'],
    ['signing-key', 'settings', 'set', '--audience', 'a'],
    ['token', 'check', 'a.b.c'],
  ];

  it('without a token endpoint fails with exit 2 saying how to set it, sending nothing', async () => {
    const api = new FakeApi();
    for (const argv of commands) {
      const run = await runAgainst(api, argv, { env: { TESSERA_TOKEN_ENDPOINT: undefined } });
      expect({ argv, code: run.code }).toEqual({ argv, code: ExitCode.usage });
      expect(run.stderr).toContain('error: no token service endpoint is set');
      expect(run.stderr).toContain('printf %s "$KEY" | tessera login --token-endpoint <url> --key-stdin');
    }
    expect(api.requests).toHaveLength(0);
  });

  it('goes to the token service only; --token-endpoint overrides the environment', async () => {
    const api = new FakeApi().on('GET', 'http://elsewhere.test/v1/signing-settings', { body: settings });
    const run = await runAgainst(
      api,
      ['signing-key', 'settings', '--token-endpoint', 'http://elsewhere.test'],
      onToken,
    );
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toContain('jwks:             https://tessera.example.com/tenants/acme/.well-known/jwks.json');
    expect(api.requests.map((r) => r.url.origin)).toEqual(['http://elsewhere.test']);
  });

  it('a refused key is exit 3, an unreachable token service exit 6 naming its settings', async () => {
    const refused = new FakeApi().on('GET', at('/v1/signing-keys'), {
      status: 401,
      body: { statusCode: 401, message: 'a valid API key is required: Authorization: Bearer tsk_...' },
    });
    const run = await runAgainst(refused, ['signing-key', 'list'], onToken);
    expect(run.code).toBe(ExitCode.notLoggedIn);
    expect(run.stderr).toContain('reaches the token service shortly after');
    const down = new FakeApi();
    down.unreachable = true;
    const unreachable = await runAgainst(down, ['signing-key', 'list'], onToken);
    expect(unreachable.code).toBe(ExitCode.unreachable);
    expect(unreachable.stderr).toBe(
      'error: cannot reach http://token.test: ECONNREFUSED (connect ECONNREFUSED)\n' +
        '  is the token service running there? (--token-endpoint, TESSERA_TOKEN_ENDPOINT)\n',
    );
  });
});
