import { DataSource } from 'typeorm';
import { type CliResult, CliProcess } from '../support/cli-process';
import { eventually } from '../support/eventually';
import { freePort, ServiceProcess } from '../support/service-process';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

/**
 * The built `tessera` CLI against the built registration and token services, each its own process on a schema of
 * its own, sharing a topic prefix: the token service learns the tenant and its API keys from the registration
 * service's events, so every first use of a key there is awaited (it is known a moment after it is made).
 *
 * No service issues a token over HTTP yet, so no valid token is at hand here: the unit tests cover that case.
 */

const env = testEnvironment();
const suffix = uniqueSuffix();
const prefix = `e2e-${suffix}.`;
const tenant = `tok-${suffix}`;
const schemas = { registration: `clireg_${suffix}`, token: `clitok_${suffix}` };
const shared = { KAFKA_BROKERS: env.kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: prefix, DATABASE_URL: env.databaseUrl };

interface KeyJson {
  kid: string;
  alg: string;
  state: string;
  revocationReason: string | null;
}

describe('the `tessera` CLI (built) against the token service (built), keys learnt from the registration service', () => {
  const processes: ServiceProcess[] = [];
  let registration: ServiceProcess;
  let token: ServiceProcess;
  let cli: CliProcess;
  let adminKey: string;
  let developerKey: string;

  /** The keys as the admin's CLI lists them, before and after each step. */
  let initial: KeyJson[] = [];

  beforeAll(async () => {
    const bootstrap = new ServiceProcess(
      'registration',
      await freePort(),
      { ...shared, DATABASE_SCHEMA: schemas.registration },
      ['bootstrap', '--tenant', tenant, '--name', 'Token Corp'],
    ).start();
    processes.push(bootstrap);
    await bootstrap.waitForExit();
    expect(bootstrap.exit).toEqual({ code: 0, signal: null });
    adminKey = (JSON.parse(bootstrap.output.trim()) as { key: string }).key;

    registration = new ServiceProcess('registration', await freePort(), {
      ...shared,
      DATABASE_SCHEMA: schemas.registration,
    }).start();
    token = new ServiceProcess('token', await freePort(), {
      ...shared,
      DATABASE_SCHEMA: schemas.token,
      TOKEN_ISSUER: 'https://tessera.test',
    }).start();
    processes.push(registration, token);
    await Promise.all([
      registration.waitFor('/health/ready', 200, 60_000),
      token.waitFor('/health/ready', 200, 60_000),
    ]);
    cli = new CliProcess();
  }, 120_000);

  afterAll(async () => {
    // The services first, whatever else fails: a child left running keeps Jest alive.
    try {
      await Promise.all(processes.map((p) => p.stop()));
    } finally {
      (cli as CliProcess | undefined)?.remove();
      const admin = new DataSource({ type: 'postgres', url: env.databaseUrl });
      await admin.initialize();
      for (const schema of Object.values(schemas)) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.destroy();
    }
  });

  const run = (args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) =>
    cli.run(args, options);
  /** `tessera <args>`, which must exit 0 (the matcher shows what it printed otherwise). */
  async function ok(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
    const result: CliResult = await run(args, options);
    expect({ args, ...result }).toMatchObject({ args, code: 0 });
    return result;
  }
  const keysOf = async (options: { env?: Record<string, string> } = {}) =>
    (JSON.parse((await ok(['signing-key', 'list', '--json'], options)).stdout) as { items: KeyJson[] }).items;

  /** Until the token service knows the key (and the tenant's keys): the events take a moment. */
  async function untilKnown(options: { env?: Record<string, string> } = {}) {
    let last: CliResult | undefined;
    try {
      await eventually(
        async () => {
          last = await run(['signing-key', 'list', '--json'], options);
          return last.code === 0 && (JSON.parse(last.stdout) as { items: unknown[] }).items.length >= 2;
        },
        'the token service to know the key and the tenant',
        30_000,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last: ${JSON.stringify(last)}\n${token.output.slice(-3000)}`, {
        cause: error,
      });
    }
  }

  it('logs in with --token-endpoint, which whoami shows; the tenant gets an active and a next ES256 key', async () => {
    const login = await ok(['login', '--endpoint', registration.url, '--token-endpoint', token.url, '--key-stdin'], {
      stdin: `${adminKey}\n`,
    });
    expect(login.stdout).toMatch(new RegExp(`^token endpoint: +${token.url}$`, 'm'));
    const whoami = JSON.parse((await ok(['whoami', '--json'])).stdout) as Record<string, unknown>;
    expect(whoami).toMatchObject({
      endpoint: registration.url,
      tokenEndpoint: token.url,
      tokenEndpointSource: 'config file',
      tenant: { id: tenant },
    });

    await untilKnown();
    initial = await keysOf();
    expect(initial.map((key) => [key.alg, key.state]).sort()).toEqual([
      ['ES256', 'active'],
      ['ES256', 'next'],
    ]);
    const table = await ok(['signing-key', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^KID +ALG +STATE +CREATED +ACTIVATED +RETIRES +REVOKED$/);
    for (const key of initial) expect(table.stdout).toMatch(new RegExp(`^${key.kid} +ES256 +${key.state} `, 'm'));
  });

  it('shows the settings with the JWKS URL, which serves the keys in use', async () => {
    const settings = await ok(['signing-key', 'settings']);
    expect(settings.stdout).toMatch(/^algorithm: +ES256$/m);
    expect(settings.stdout).toMatch(/^rotation period: +1d \(86400 s\)$/m);
    // The issuer the service was given (TOKEN_ISSUER), and its JWKS beneath it, served here at the same path.
    expect(settings.stdout).toMatch(new RegExp(`^issuer: +https://tessera\\.test/tenants/${tenant}$`, 'm'));
    expect(settings.stdout).toMatch(
      new RegExp(`^jwks: +https://tessera\\.test/tenants/${tenant}/\\.well-known/jwks\\.json$`, 'm'),
    );
    const jwks = `${token.url}/tenants/${tenant}/.well-known/jwks.json`;
    const document = (await (await fetch(jwks)).json()) as { keys: { kid: string }[] };
    expect(document.keys.map((key) => key.kid).sort()).toEqual(initial.map((key) => key.kid).sort());
  });

  it('refuses a rotation before the next key is published for the lead (exit 5, saying from when); --force rotates', async () => {
    const early = await run(['signing-key', 'rotate']);
    expect(early.code).toBe(5);
    expect(early.stderr).toMatch(
      /^error: the next key \S+ has been published for less than 3600 s; it may sign from \S+Z \(or force the rotation\) \(409\)$/m,
    );
    expect(early.stderr).toContain('tessera signing-key rotate --force');

    const forced = await ok(['signing-key', 'rotate', '--force', '--json']);
    const after = (JSON.parse(forced.stdout) as { items: KeyJson[] }).items;
    const was = (state: string) => initial.find((key) => key.state === state)?.kid;
    expect(after.find((key) => key.state === 'active')?.kid).toBe(was('next'));
    expect(after.find((key) => key.state === 'retiring')?.kid).toBe(was('active'));
    expect(after.filter((key) => key.state === 'next')).toHaveLength(1);
    expect(forced.stderr).toContain('warning: forced');
  });

  it('revokes the old key with a reason; revoking it again is exit 5, an unknown kid exit 4', async () => {
    const old = initial.find((key) => key.state === 'active')!.kid;
    const revoked = await ok(['signing-key', 'revoke', old, '--reason', 'found in a log']);
    expect(revoked.stdout).toMatch(/^state: +revoked$/m);
    expect(revoked.stdout).toMatch(/^reason: +found in a log$/m);
    const shown = JSON.parse((await ok(['signing-key', 'show', old, '--json'])).stdout) as KeyJson;
    expect(shown).toMatchObject({ kid: old, state: 'revoked', revocationReason: 'found in a log' });
    const again = await run(['signing-key', 'revoke', old, '--reason', 'again']);
    expect(again.code).toBe(5);
    expect(again.stderr).toContain('(409)');
    expect((await run(['signing-key', 'show', 'NoSuchKey0000000'])).code).toBe(4);
    // An ES256 key has no shared secret to export.
    const secret = await run(['signing-key', 'secret', old]);
    expect(secret.code).toBe(5);
    expect(secret.stdout).toBe('');
  });

  it('checks a token that is not one: exit 8 with malformed, as a table and as JSON', async () => {
    const garbage = await run(['token', 'check', 'garbage']);
    expect(garbage.code).toBe(8);
    expect(garbage.stdout).toBe('invalid: malformed — not a compact JWS with a JSON header and JSON claims\n');
    const fromStdin = await run(['token', 'check', '--json'], { stdin: 'garbage\n' });
    expect(fromStdin.code).toBe(8);
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({ valid: false, reason: 'malformed' });
  });

  it('lets a developer key list keys and check tokens, and refuses its rotation (exit 1, 403)', async () => {
    await ok(['team', 'add', 'Mobile']);
    const created = JSON.parse(
      (await ok(['key', 'add', 'mobile ci', '--role', 'developer', '--team', 'Mobile', '--json'])).stdout,
    ) as { key: string };
    developerKey = created.key;
    const asDeveloper = { env: { TESSERA_API_KEY: developerKey } };
    await untilKnown(asDeveloper);
    expect((await keysOf(asDeveloper)).map((key) => key.kid)).toEqual((await keysOf()).map((key) => key.kid));
    const check = await run(['token', 'check', 'garbage'], asDeveloper);
    expect(check.code).toBe(8);
    expect(check.stdout).toContain('invalid: malformed');
    const rotate = await run(['signing-key', 'rotate', '--force'], asDeveloper);
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toContain('error: the developer role may not do this (needs signing-key:write) (403)');
  });

  it('without a token endpoint, a token command says how to set one (exit 2)', async () => {
    const elsewhere = new CliProcess({ TESSERA_API_KEY: adminKey, TESSERA_ENDPOINT: registration.url });
    try {
      const result = await elsewhere.run(['signing-key', 'list']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('error: no token service endpoint is set');
      expect(result.stderr).toContain('tessera login --token-endpoint <url>');
    } finally {
      elsewhere.remove();
    }
  });

  it('never printed the admin key (the developer key is printed once, by key add)', () => {
    expect(cli.transcript).not.toContain(adminKey.slice(21));
    expect(cli.transcript.split(developerKey.slice(21))).toHaveLength(2);
  });
});
