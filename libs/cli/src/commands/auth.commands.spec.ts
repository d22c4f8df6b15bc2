import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode } from '../exit-codes';
import { writeFile } from 'node:fs/promises';
import { ADMIN_KEY, FakeApi, runAgainst, TOKEN_ENDPOINT } from '../testing/fake-api';
import { removeTestDirectories, testDirectory } from '../testing/test-directory';

afterAll(removeTestDirectories);

const TENANT = { id: 'acme', name: 'Acme', status: 'active', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '' };
const SECRET = ADMIN_KEY.slice(-43);

function setup() {
  const home = testDirectory('home');
  const configFile = path.join(home, '.config', 'tessera', 'config.json');
  // Logged out: nothing in the environment.
  const env = { TESSERA_API_KEY: undefined, TESSERA_ENDPOINT: undefined };
  return { home, configFile, env };
}

describe('login, whoami, logout', () => {
  it('login --key-stdin checks the key, stores endpoint and key 0600, and never prints the key', async () => {
    const { home, configFile, env } = setup();
    const api = new FakeApi().on('GET', '/v1/tenants/current', { body: TENANT });
    const login = await runAgainst(api, ['login', '--endpoint', 'http://api.test/', '--key-stdin'], {
      env,
      home,
      stdin: `${ADMIN_KEY}\n`,
    });
    expect(login.code).toBe(ExitCode.ok);
    expect(api.only('GET', '/v1/tenants/current').headers.get('authorization')).toBe(`Bearer ${ADMIN_KEY}`);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual({ endpoint: 'http://api.test', apiKey: ADMIN_KEY });
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(configFile))).mode & 0o777).toBe(0o700);
    expect(login.stdout).toContain('tsk_0123456789abcdef_****');
    expect(login.stdout).toContain('Acme (acme)');

    // whoami then works from the config file alone.
    const whoami = await runAgainst(api, ['whoami', '--json'], { env, home });
    expect(whoami.code).toBe(ExitCode.ok);
    expect(JSON.parse(whoami.stdout)).toEqual({
      endpoint: 'http://api.test',
      tokenEndpoint: null,
      tokenEndpointSource: null,
      pinsEndpoint: null,
      pinsEndpointSource: null,
      key: 'tsk_0123456789abcdef_****',
      keySource: 'config file',
      tenant: TENANT,
    });
    for (const run of [login, whoami]) expect(run.stdout + run.stderr).not.toContain(SECRET);

    const logout = await runAgainst(api, ['logout'], { env, home });
    expect(logout.stdout).toContain(`deleted ${configFile}`);
    const after = await runAgainst(api, ['whoami'], { env, home });
    expect(after.code).toBe(ExitCode.notLoggedIn);
    expect(after.stderr).toContain('not logged in');
  });

  it('stores nothing when the API refuses the key (exit 3), and sends nothing for a malformed one (exit 2)', async () => {
    const { home, configFile, env } = setup();
    const api = new FakeApi().on('GET', '/v1/tenants/current', {
      status: 401,
      body: { statusCode: 401, message: 'a valid API key is required: Authorization: Bearer tsk_...', requestId: 'q' },
    });
    const refused = await runAgainst(api, ['--key', ADMIN_KEY, 'login'], { env, home });
    expect(refused.code).toBe(ExitCode.notLoggedIn);
    expect(refused.stderr).toContain('a valid API key is required');
    expect(refused.stderr).toContain('request id: q');
    await expect(stat(configFile)).rejects.toThrow('ENOENT');

    const malformed = await runAgainst(api, ['login', '--key-stdin'], { env, home, stdin: 'tsk_oops' });
    expect(malformed.code).toBe(ExitCode.usage);
    expect(malformed.stderr).toContain('error: the key read from stdin is not a Tessera API key');
    const none = await runAgainst(api, ['login'], { env, home });
    expect(none.code).toBe(ExitCode.usage);
    expect(api.requests).toHaveLength(1);
  });

  it('warns about a key on the command line and about plain http to another host', async () => {
    const { home, env } = setup();
    const api = new FakeApi().on('GET', '/v1/tenants/current', { body: TENANT });
    const run = await runAgainst(api, ['login', '--key', ADMIN_KEY, '--endpoint', 'http://api.test'], { env, home });
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stderr).toContain('warning: http://api.test is plain http');
    expect(run.stderr).toContain('warning: a key given with --key stays in your shell history');
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('lets --endpoint and --key override the environment, which overrides the config file', async () => {
    const { home, env } = setup();
    const api = new FakeApi().on('GET', '/v1/tenants/current', { body: TENANT });
    await runAgainst(api, ['login', '--endpoint', 'http://stored.test', '--key', ADMIN_KEY], { env, home });
    const other = `tsk_fedcba9876543210_${'o'.repeat(43)}`;
    const fromEnv = await runAgainst(api, ['whoami', '--json'], {
      env: { TESSERA_ENDPOINT: 'http://env.test', TESSERA_API_KEY: other },
      home,
    });
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ endpoint: 'http://env.test', keySource: 'environment' });
    expect(api.requests.at(-1)?.url.origin).toBe('http://env.test');
    expect(api.requests.at(-1)?.headers.get('authorization')).toBe(`Bearer ${other}`);
    await runAgainst(api, ['whoami', '--endpoint', 'http://option.test'], {
      env: { TESSERA_ENDPOINT: 'http://env.test' },
      home,
    });
    expect(api.requests.at(-1)?.url.origin).toBe('http://option.test');
  });
});

describe('the token service endpoint', () => {
  it('login --token-endpoint stores it beside the endpoint; whoami shows it and where it came from', async () => {
    const { home, configFile, env } = setup();
    const api = new FakeApi().on('GET', 'http://api.test/v1/tenants/current', { body: TENANT });
    const login = await runAgainst(
      api,
      ['login', '--endpoint', 'http://api.test', '--token-endpoint', `${TOKEN_ENDPOINT}/`, '--key-stdin'],
      { env, home, stdin: ADMIN_KEY },
    );
    expect(login.code).toBe(ExitCode.ok);
    expect(login.stdout).toMatch(/^token endpoint: +http:\/\/token\.test$/m);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual({
      endpoint: 'http://api.test',
      apiKey: ADMIN_KEY,
      tokenEndpoint: TOKEN_ENDPOINT,
    });
    // The key is checked with the registration service only: the token service learns new keys a moment later.
    expect(api.requests.map((r) => r.url.origin)).toEqual(['http://api.test']);

    const whoami = await runAgainst(api, ['whoami'], { env, home });
    expect(whoami.stdout).toMatch(/^token endpoint: +http:\/\/token\.test \(from config file\)$/m);
    const fromEnv = await runAgainst(api, ['whoami', '--json'], {
      env: { ...env, TESSERA_TOKEN_ENDPOINT: 'http://other-token.test' },
      home,
    });
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({
      tokenEndpoint: 'http://other-token.test',
      tokenEndpointSource: 'environment',
    });
    const fromOption = await runAgainst(api, ['whoami', '--json', '--token-endpoint', 'http://opt.test'], {
      env: { ...env, TESSERA_TOKEN_ENDPOINT: 'http://other-token.test' },
      home,
    });
    expect(JSON.parse(fromOption.stdout)).toMatchObject({
      tokenEndpoint: 'http://opt.test',
      tokenEndpointSource: 'option',
    });
    for (const run of [login, whoami, fromEnv]) expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('a later login without --token-endpoint keeps the stored one; a bad one is a usage error (exit 2)', async () => {
    const { home, configFile, env } = setup();
    const api = new FakeApi().on('GET', '/v1/tenants/current', { body: TENANT });
    await runAgainst(api, ['login', '--token-endpoint', TOKEN_ENDPOINT, '--key-stdin'], {
      env,
      home,
      stdin: ADMIN_KEY,
    });
    const again = await runAgainst(api, ['login', '--endpoint', 'http://other.test', '--key-stdin'], {
      env,
      home,
      stdin: ADMIN_KEY,
    });
    expect(again.code).toBe(ExitCode.ok);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toMatchObject({
      endpoint: 'http://other.test',
      tokenEndpoint: TOKEN_ENDPOINT,
    });
    const bad = await runAgainst(api, ['login', '--token-endpoint', 'token.test:3003', '--key-stdin'], {
      env,
      home,
      stdin: ADMIN_KEY,
    });
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toContain('--token-endpoint must be an http:// or https:// URL');
  });

  it('warns about plain http to another host for the token endpoint too', async () => {
    const { home, env } = setup();
    const api = new FakeApi().on('GET', '/v1/tenants/current', { body: TENANT });
    const run = await runAgainst(
      api,
      ['login', '--endpoint', 'http://localhost:3001', '--token-endpoint', 'http://tokens.example.com', '--key-stdin'],
      { env, home, stdin: ADMIN_KEY },
    );
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stderr).toBe(
      'warning: http://tokens.example.com is plain http: the key crosses the network unencrypted; use https\n',
    );
  });

  it('keeps a config file from before the token endpoint working, and says how to set it', async () => {
    const { home, configFile, env } = setup();
    await mkdir(path.dirname(configFile), { recursive: true });
    await writeFile(configFile, JSON.stringify({ endpoint: 'http://api.test', apiKey: ADMIN_KEY }), { mode: 0o600 });
    const api = new FakeApi().on('GET', '/v1/tenants/current', { body: TENANT });
    const whoami = await runAgainst(api, ['whoami'], { env, home });
    expect(whoami.code).toBe(ExitCode.ok);
    expect(whoami.stdout).toMatch(
      /^token endpoint: +- \(not set: tessera login --token-endpoint <url>, or TESSERA_TOKEN_ENDPOINT\)$/m,
    );
    const token = await runAgainst(api, ['signing-key', 'list'], { env, home });
    expect(token.code).toBe(ExitCode.usage);
    expect(token.stderr).toContain('error: no token service endpoint is set');
    expect(token.stderr).toContain('--token-endpoint');
    expect(token.stderr).toContain('TESSERA_TOKEN_ENDPOINT');
    expect(api.requests.filter((r) => r.url.pathname.startsWith('/v1/signing'))).toHaveLength(0);
  });
});

describe('the pins service endpoint', () => {
  it('login --pins-endpoint stores it beside the token endpoint, which a later login keeps; whoami shows both', async () => {
    const { home, configFile, env } = setup();
    const api = new FakeApi().on('GET', 'http://api.test/v1/tenants/current', { body: TENANT });
    await runAgainst(
      api,
      ['login', '--endpoint', 'http://api.test', '--token-endpoint', TOKEN_ENDPOINT, '--key-stdin'],
      {
        env,
        home,
        stdin: ADMIN_KEY,
      },
    );
    const login = await runAgainst(api, ['login', '--pins-endpoint', 'http://pins.test/', '--key-stdin'], {
      env,
      home,
      stdin: ADMIN_KEY,
    });
    expect(login.code).toBe(ExitCode.ok);
    expect(login.stdout).toMatch(/^pins endpoint: +http:\/\/pins\.test$/m);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual({
      endpoint: 'http://api.test',
      apiKey: ADMIN_KEY,
      tokenEndpoint: TOKEN_ENDPOINT,
      pinsEndpoint: 'http://pins.test',
    });
    const whoami = await runAgainst(api, ['whoami', '--json'], {
      env: { ...env, TESSERA_PINS_ENDPOINT: 'http://env-pins.test' },
      home,
    });
    expect(JSON.parse(whoami.stdout)).toMatchObject({
      tokenEndpoint: TOKEN_ENDPOINT,
      tokenEndpointSource: 'config file',
      pinsEndpoint: 'http://env-pins.test',
      pinsEndpointSource: 'environment',
    });
    expect(login.stdout + login.stderr + whoami.stdout).not.toContain(SECRET);
  });

  it('a pins command without a pins endpoint is a usage error (exit 2) that says how to set it, sending nothing', async () => {
    const { home, env } = setup();
    const api = new FakeApi().on('GET', '/v1/tenants/current', { body: TENANT });
    await runAgainst(api, ['login', '--token-endpoint', TOKEN_ENDPOINT, '--key-stdin'], {
      env,
      home,
      stdin: ADMIN_KEY,
    });
    const sent = api.requests.length;
    const run = await runAgainst(api, ['pins', 'list'], { env, home });
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain('error: no pins service endpoint is set');
    expect(run.stderr).toContain('--pins-endpoint');
    expect(run.stderr).toContain('TESSERA_PINS_ENDPOINT');
    expect(api.requests).toHaveLength(sent);
  });
});
