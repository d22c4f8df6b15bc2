import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { PRESETS, STRICT_POLICY_RULES } from '@tessera/policy';
import { apkVector } from '../support/apk-vectors';
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
type AuditJson = { action: string; actor: { keyId: string | null } };

/** keytool's way of printing a digest: upper case, colon-separated pairs. */
const colonSeparated = (hex: string) => (hex.toUpperCase().match(/../g) ?? []).join(':');

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
    cli.remove();
    await reg.stop();
  });

  /** The admin key's id: what the audit log and `createdByKeyId` name it by. */
  const adminKeyId = () => adminKey.slice(4, 20);

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

  describe('every command group, for real', () => {
    const TINY = 'android.appsecurity.cts.tinyapp';
    const signed = apkVector('v1v2v3-with-rsa-2048-lineage-3-signers.apk');
    const tampered = apkVector('tampered-content-golden-aligned-v1v2v3-out.apk');
    const secretValue = `s3cr3t-${randomBytes(12).toString('hex')}`;
    let apkRegistrationId: string;

    /** A run that must succeed; on failure the matcher shows what it printed. */
    const ok = async (args: string[], options?: { stdin?: string }) => {
      const result = await cli.run(args, options);
      expect({ args, ...result }).toMatchObject({ args, code: 0 });
      return result;
    };
    const okJson = async <T = Json>(args: string[], options?: { stdin?: string }) =>
      JSON.parse((await ok([...args, '--json'], options)).stdout) as T;

    beforeAll(async () => {
      // The previous tests logged in; the tests below run as that admin.
      await ok(['app', 'add', 'Tiny', '--platform', 'android', '--package', TINY, '--team', 'Payments']);
    });

    it('registration: add from a real APK (streamed, verified) and from fields; list, show, remove', async () => {
      const fromApk = await okJson(['registration', 'add', signed.path, '--expire-after', '600s']);
      apkRegistrationId = fromApk.id as string;
      expect(fromApk).toMatchObject({
        platform: 'android',
        packageName: signed.packageName,
        versionCodes: { min: signed.versionCode, max: signed.versionCode },
        signingCertificateSha256: signed.signerCertSha256,
        lineageCertificateSha256: signed.lineageCertSha256,
        versionName: signed.versionName,
        appleTeamId: null,
        source: 'apk',
        status: 'active',
      });
      expect(Date.parse(fromApk.expiresAt as string) - Date.parse(fromApk.createdAt as string)).toBe(600_000);
      expect((await reg.call('GET', `/v1/registrations/${apkRegistrationId}`, { key: adminKey })).body).toEqual(
        fromApk,
      );

      const shown = await ok(['registration', 'show', apkRegistrationId]);
      const [first, second, third] = signed.lineageCertSha256 ?? [];
      expect(shown.stdout).toMatch(new RegExp(`^identifier: +${TINY}$`, 'm'));
      expect(shown.stdout).toMatch(/^versions: +10 \(1\.0\)$/m);
      expect(shown.stdout).toMatch(new RegExp(`^signer sha256: +${signed.signerCertSha256[0]}$`, 'm'));
      expect(shown.stdout).toMatch(new RegExp(`^lineage sha256: +${first}\n +${second}\n +${third}$`, 'm'));
      expect(shown.stdout).toMatch(/^status: +active$/m);

      const registrations = await reg.count('registration');
      const refused = await cli.run(['registration', 'add', tampered.path, '--app', TINY]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: .+ \(422, reason content-digest-mismatch\)\n {2}request id: /);
      expect(await reg.count('registration')).toBe(registrations);

      const fromFields = await ok([
        'registration',
        'add',
        '--app',
        TINY,
        '--version-codes',
        '20-29',
        '--cert',
        colonSeparated(signed.signerCertSha256[0] ?? ''),
        '--version-name',
        '2.x',
        '--expires-at',
        new Date(Date.now() + 86_400_000).toISOString(),
      ]);
      expect(fromFields.stdout).toMatch(/^versions: +20-29 \(2\.x\)$/m);
      expect(fromFields.stdout).toMatch(/^source: +fields$/m);
      const fieldsId = /^id: +([0-9a-f-]{36})$/m.exec(fromFields.stdout)?.[1] ?? '';

      const table = await ok(['registration', 'list', '--app', TINY]);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID +APP +IDENTIFIER +VERSIONS +SOURCE +STATUS +CREATED +EXPIRES$/);
      expect(table.stdout).toMatch(
        new RegExp(`^${apkRegistrationId} +[0-9a-f-]{36} +${TINY} +10 \\(1\\.0\\) +apk +active `, 'm'),
      );
      expect(table.stdout).toMatch(new RegExp(`^${fieldsId} .+ 20-29 \\(2\\.x\\) +fields +active `, 'm'));
      const listed = await okJson(['registration', 'list', '--status', 'all']);
      expect(listed).toEqual((await reg.call('GET', '/v1/registrations?status=all', { key: adminKey })).body);

      expect((await ok(['registration', 'remove', fieldsId])).stdout).toBe(`removed registration ${fieldsId}\n`);
      expect((await cli.run(['registration', 'show', fieldsId])).code).toBe(4);
    });

    it('policy: presets, add --preset strict, update --set, show, list, app set-policy, remove', async () => {
      const presets = await ok(['policy', 'presets']);
      expect(presets.stdout.split('\n')[0]).toMatch(/^RULE +DEFAULT +STRICT$/);
      expect(presets.stdout).toMatch(/^tokenLifetimeSeconds +300 +120$/m);
      expect(presets.stdout).toMatch(/^strict: +every applicable evidence required/m);
      const presetsJson = await okJson<{ items: { name: string; rules: unknown }[] }>(['policy', 'presets']);
      expect(presetsJson.items.map(({ name, rules }) => [name, rules])).toEqual([
        ['default', PRESETS.default],
        ['strict', PRESETS.strict],
      ]);

      const created = await okJson(['policy', 'add', 'payments-strict', '--preset', 'strict']);
      expect(created).toMatchObject({ name: 'payments-strict', rules: STRICT_POLICY_RULES });
      const policyId = created.id as string;

      const updated = await ok([
        'policy',
        'update',
        'payments-strict',
        '--set',
        'signals.proxy=monitor',
        '--set',
        'tokenLifetimeSeconds=300',
      ]);
      expect(updated.stdout).toMatch(/^signals\.proxy: +monitor$/m);
      const shown = await ok(['policy', 'show', 'payments-strict']);
      expect(shown.stdout).toMatch(/^tokenLifetimeSeconds: +300$/m);
      expect(shown.stdout).toMatch(/^evidence\.playIntegrity: +required$/m);
      expect((await ok(['policy', 'list'])).stdout).toMatch(new RegExp(`^${policyId} +payments-strict +`, 'm'));

      const invalid = await cli.run(['policy', 'update', 'payments-strict', '--set', 'signals.proxy=sometimes']);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toMatch(/^error: invalid body \(400\)\n {2}- rules\.signals\.proxy: /);

      const assigned = await ok(['app', 'set-policy', TINY, 'payments-strict']);
      expect(assigned.stdout).toMatch(new RegExp(`^policy: +${policyId}$`, 'm'));
      const inUse = await cli.run(['policy', 'remove', 'payments-strict']);
      expect(inUse.code).toBe(5);
      expect(inUse.stderr).toContain('the policy is assigned to apps: assign them another first (409)');
      const reset = await ok(['app', 'set-policy', TINY, 'default']);
      expect(reset.stdout).toMatch(/^policy: +default \(built-in\)$/m);
      expect((await ok(['policy', 'remove', 'payments-strict'])).stdout).toBe(`removed policy ${policyId}\n`);
      expect((await cli.run(['policy', 'show', 'payments-strict'])).code).toBe(4);
    });

    it('device: override, a second one refused naming the first, list, show, remove', async () => {
      const override = await okJson([
        'device',
        'override',
        'qa-phone-1',
        '--verdict',
        'pass',
        '--app',
        TINY,
        '--reason',
        'QA phone',
        '--expire-after',
        '30d',
      ]);
      const overrideId = override.id as string;
      expect(override).toMatchObject({
        deviceId: 'qa-phone-1',
        verdict: 'pass',
        reason: 'QA phone',
        status: 'active',
        createdByKeyId: adminKeyId(),
      });

      const again = await cli.run(['device', 'override', 'qa-phone-1', '--verdict', 'fail', '--app', TINY]);
      expect(again.code).toBe(5);
      expect(again.stderr).toContain(`\n  overrideId: ${overrideId} (tessera device show ${overrideId})\n`);

      const listed = await ok(['device', 'list', '--device', 'qa-phone-1']);
      expect(listed.stdout).toMatch(
        new RegExp(`^${overrideId} +qa-phone-1 +pass +[0-9a-f-]{36} +QA phone +active +\\d{4}-`, 'm'),
      );
      const shown = await ok(['device', 'show', overrideId]);
      expect(shown.stdout).toMatch(new RegExp(`^created by: +${adminKeyId()}$`, 'm'));

      expect((await ok(['device', 'remove', overrideId])).stdout).toBe(`removed device override ${overrideId}\n`);
      expect(await okJson(['device', 'list', '--device', 'qa-phone-1'])).toEqual({ items: [], nextCursor: null });
    });

    it('secret: set from stdin (twice), list, remove; the value is never printed', async () => {
      const set = await ok(['secret', 'set', TINY, 'maps_key', '--value-stdin'], { stdin: `${secretValue}\n` });
      expect(set.stdout).toMatch(/^version: +1$/m);
      await ok(['secret', 'set', TINY, 'maps_key', '--value-stdin'], { stdin: secretValue });

      const table = await ok(['secret', 'list', TINY]);
      expect(table.stdout).toMatch(/^NAME +VERSION +CREATED +UPDATED\nmaps_key +2 +\d{4}-/);
      const listed = await okJson<{ items: Json[] }>(['secret', 'list', TINY]);
      expect(listed).toMatchObject({ items: [{ name: 'maps_key', version: 2 }], nextCursor: null });
      const appId = listed.items[0]?.appId as string;
      expect(listed).toEqual((await reg.call('GET', `/v1/apps/${appId}/secure-strings`, { key: adminKey })).body);

      await ok(['secret', 'remove', TINY, 'maps_key']);
      expect((await ok(['secret', 'list', TINY])).stdout).toBe('no secure strings\n');
      expect(cli.transcript).not.toContain(secretValue);
    });

    it('revoke: a device, an installation, a registration and a token; revocation list, show, lift', async () => {
      const device = await okJson(['revoke', 'device', 'lost-phone-7', '--reason', 'lost']);
      expect(device).toMatchObject({
        subject: { kind: 'device', value: 'lost-phone-7' },
        reason: 'lost',
        expiresAt: null,
        status: 'active',
        createdByKeyId: adminKeyId(),
      });
      const again = await cli.run(['revoke', 'device', 'lost-phone-7']);
      expect(again.code).toBe(5);
      expect(again.stderr).toMatch(
        new RegExp(`^error: this device is already revoked \\(409\\)\\n {2}revocationId: ${device.id as string} `),
      );

      const thumbprint = createHash('sha256').update('an installation key').digest('base64url');
      await ok(['revoke', 'installation', thumbprint, '--reason', 'cloned']);
      const build = await ok(['revoke', 'registration', apkRegistrationId, '--reason', 'leaked build']);
      expect(build.stdout).toMatch(new RegExp(`^value: +${apkRegistrationId}$`, 'm'));
      const token = await ok(['revoke', 'token', randomUUID(), '--expire-after', '1h']);
      expect(token.stdout).toMatch(/^kind: +token$/m);
      const unknown = await cli.run(['revoke', 'registration', randomUUID()]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('error: invalid body (400)\n  - subject.value: no such registration\n');

      const table = await ok(['revocation', 'list', '--kind', 'device']);
      expect(table.stdout).toMatch(/^ID +KIND +VALUE +REASON +STATUS +CREATED +EXPIRES\n/);
      expect(table.stdout).toMatch(
        new RegExp(`^${device.id as string} +device +lost-phone-7 +lost +active +\\d{4}-`, 'm'),
      );
      const all = await okJson<{ items: Json[] }>(['revocation', 'list']);
      expect(all.items.map((r) => (r.subject as Json).kind).sort()).toEqual([
        'device',
        'installation',
        'registration',
        'token',
      ]);

      const shown = await ok(['revocation', 'show', device.id as string]);
      expect(shown.stdout).toMatch(/^reason: +lost$/m);
      expect((await ok(['revocation', 'lift', device.id as string])).stdout).toBe(
        `lifted revocation ${device.id as string}\n`,
      );
      expect((await cli.run(['revocation', 'show', device.id as string])).code).toBe(4);
    });

    it('audit: filtered by action, actor and time, as a table and as JSON', async () => {
      const revocations = await okJson<{ items: AuditJson[] }>(['audit', '--action', 'revocation.create']);
      expect(revocations.items).toHaveLength(4);
      expect(revocations.items.every((e) => e.action === 'revocation.create')).toBe(true);

      const from = new Date(Date.now() - 10 * 60_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const byAdmin = await okJson<{ items: AuditJson[]; nextCursor: null }>([
        'audit',
        '--actor',
        adminKeyId(),
        '--from',
        from,
        '--to',
        to,
        '--all',
      ]);
      expect(byAdmin.items.every((e) => e.actor.keyId === adminKeyId())).toBe(true);
      expect(new Set(byAdmin.items.map((e) => e.action))).toEqual(
        new Set([
          'team.create',
          'key.create',
          'app.create',
          'registration.create',
          'registration.delete',
          'policy.create',
          'policy.update',
          'policy.delete',
          'app.assign-policy',
          'device-override.create',
          'device-override.delete',
          'secure-string.set',
          'secure-string.delete',
          'revocation.create',
          'revocation.lift',
        ]),
      );
      const later = await okJson<{ items: unknown[] }>(['audit', '--from', to]);
      expect(later.items).toEqual([]);

      const table = await ok(['audit', '--action', 'policy.update']);
      expect(table.stdout).toMatch(
        new RegExp(`^\\S+ +policy\\.update +policy [0-9a-f-]{36} +${adminKeyId()} +rules$`, 'm'),
      );
    });
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
