import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditEntry, DeviceOverride, Revocation, SecureString } from '../api/views';
import { ExitCode } from '../exit-codes';
import { FakeApi, runAgainst } from '../testing/fake-api';
import { describeChange } from './audit.commands';
import { removeTestDirectories, testDirectory } from '../testing/test-directory';

afterAll(removeTestDirectories);

const APP_ID = '0b6ad7a4-1b7e-4c55-9d0c-2f1e8b9a6c01';
const ID = '3e1d7c52-5a8f-4f0b-9b43-1f0c3a2b9d10';
const apps = {
  items: [{ id: APP_ID, packageName: 'com.example.shop', bundleId: null, appleTeamId: null }],
  nextCursor: null,
};
const KEY_ID = '555847c4f2deb60b';
const override: DeviceOverride = {
  id: ID,
  deviceId: 'device-1',
  appId: null,
  verdict: 'fail',
  reason: 'stolen',
  status: 'active',
  createdAt: '2026-11-22T04:08:59.105Z',
  expiresAt: null,
  createdByKeyId: KEY_ID,
};
const secret: SecureString = {
  id: ID,
  appId: APP_ID,
  name: 'maps_key',
  version: 2,
  createdAt: '2026-11-22T04:08:59.105Z',
  updatedAt: '2026-11-23T00:00:00.000Z',
};
const revocation: Revocation = {
  id: ID,
  subject: { kind: 'device', value: 'device-1' },
  reason: 'stolen',
  createdAt: '2026-11-22T04:08:59.105Z',
  expiresAt: '2026-12-22T04:08:59.105Z',
  status: 'active',
  createdByKeyId: KEY_ID,
};

describe('device commands', () => {
  it('device override sends the verdict, app, reason and expiry', async () => {
    const api = new FakeApi()
      .on('GET', '/v1/apps', { body: apps })
      .on('POST', '/v1/device-overrides', { status: 201, body: override });
    const run = await runAgainst(api, [
      'device',
      'override',
      'device-1',
      '--verdict',
      'pass',
      '--app',
      'com.example.shop',
      '--reason',
      'QA phone',
      '--expire-after',
      '30d',
    ]);
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('POST', '/v1/device-overrides').json).toEqual({
      deviceId: 'device-1',
      appId: APP_ID,
      verdict: 'pass',
      reason: 'QA phone',
      expireAfter: '30d',
    });
    expect(run.stdout.split('\n')).toEqual([
      `id:          ${ID}`,
      'device:      device-1',
      'verdict:     fail',
      'app:         all apps of the tenant',
      'reason:      stolen',
      'status:      active',
      'created:     2026-11-22T04:08:59Z',
      `created by:  ${KEY_ID}`,
      'expires:     -',
      '',
    ]);
    expect((await runAgainst(api, ['device', 'override', 'd', '--verdict', 'maybe'])).code).toBe(ExitCode.usage);
  });

  it('a second override for the device is exit 5, naming the one in force and how to see it', async () => {
    const api = new FakeApi().on('POST', '/v1/device-overrides', {
      status: 409,
      body: {
        statusCode: 409,
        message: `the device already has an override in force for every app (${ID}): delete it first`,
        overrideId: ID,
        requestId: 'r9',
      },
    });
    const run = await runAgainst(api, ['device', 'override', 'device-1', '--verdict', 'fail']);
    expect(run.code).toBe(ExitCode.conflict);
    expect(run.stderr).toBe(
      `error: the device already has an override in force for every app (${ID}): delete it first (409)\n` +
        `  overrideId: ${ID} (tessera device show ${ID})\n  request id: r9\n`,
    );
  });

  it('device list passes its filters; remove deletes by id', async () => {
    const api = new FakeApi()
      .on('GET', '/v1/device-overrides', { body: { items: [override], nextCursor: null } })
      .on('DELETE', `/v1/device-overrides/${ID}`, { status: 204 });
    const list = await runAgainst(api, ['device', 'list', '--device', 'device-1', '--status', 'expired']);
    expect(api.only('GET', '/v1/device-overrides').url.search).toBe('?deviceId=device-1&status=expired');
    expect(list.stdout).toMatch(/^ID +DEVICE +VERDICT +APP +REASON +STATUS +EXPIRES\n/);
    expect(list.stdout).toMatch(/device-1 +fail +all +stolen +active +-$/m);
    const removed = await runAgainst(api, ['device', 'remove', ID, '--json']);
    expect(JSON.parse(removed.stdout)).toEqual({ id: ID, removed: true });
  });
});

describe('secret commands', () => {
  const api = () =>
    new FakeApi()
      .on('GET', '/v1/apps', { body: apps })
      .on('PUT', `/v1/apps/${APP_ID}/secure-strings/maps_key`, { body: secret })
      .on('GET', `/v1/apps/${APP_ID}/secure-strings`, { body: { items: [secret], nextCursor: null } });

  it('secret set reads the value from stdin or a file, dropping one final newline, and never prints it', async () => {
    const fake = api();
    const fromStdin = await runAgainst(fake, ['secret', 'set', 'com.example.shop', 'maps_key', '--value-stdin'], {
      stdin: 's3cr3t-value\n',
    });
    expect(fromStdin.code).toBe(ExitCode.ok);
    const file = path.join(testDirectory('secret'), 'value');
    writeFileSync(file, 'from-file\r\n');
    await runAgainst(fake, ['secret', 'set', APP_ID, 'maps_key', '--value-file', file]);
    expect(fake.requests.filter((r) => r.method === 'PUT').map((r) => r.json)).toEqual([
      { value: 's3cr3t-value' },
      { value: 'from-file' },
    ]);
    expect(fromStdin.stdout + fromStdin.stderr).not.toContain('s3cr3t');
    expect(fromStdin.stdout.split('\n')).toEqual([
      `app:      ${APP_ID}`,
      'name:     maps_key',
      'version:  2',
      'created:  2026-11-22T04:08:59Z',
      'updated:  2026-11-23T00:00:00Z',
      '',
    ]);
  });

  it('--value works with a warning; no value, two values or an empty one are usage errors', async () => {
    const fake = api();
    const plain = await runAgainst(fake, ['secret', 'set', APP_ID, 'maps_key', '--value', 'v']);
    expect(plain.code).toBe(ExitCode.ok);
    expect(plain.stderr).toContain('warning: a value given with --value stays in your shell history');
    const cases: [string[], string, string?][] = [
      [[], 'give one of --value-stdin, --value-file, --value'],
      [['--value', 'a', '--value-stdin'], 'give only one of --value-stdin, --value'],
      [['--value-stdin'], 'the secret value is empty', '\n'],
    ];
    for (const [options, problem, stdin] of cases) {
      const run = await runAgainst(fake, ['secret', 'set', APP_ID, 'maps_key', ...options], { stdin });
      expect(run.code).toBe(ExitCode.usage);
      expect(run.stderr).toContain(problem);
    }
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('secret list pages by name: --limit and --cursor are passed, the next cursor is a hint, --all follows it', async () => {
    const other: SecureString = { ...secret, name: 'push_key', version: 1 };
    const fake = new FakeApi().on('GET', `/v1/apps/${APP_ID}/secure-strings`, (request) =>
      request.url.searchParams.get('cursor') === 'maps_key'
        ? { body: { items: [other], nextCursor: null } }
        : { body: { items: [secret], nextCursor: 'maps_key' } },
    );
    const first = await runAgainst(fake, ['secret', 'list', APP_ID, '--limit', '1']);
    expect(first.stdout).toMatch(/^maps_key +2 /m);
    expect(first.stderr).toBe('more secure strings: run again with --cursor maps_key, or with --all for every page\n');
    const next = await runAgainst(fake, ['secret', 'list', APP_ID, '--limit', '1', '--cursor', 'maps_key', '--json']);
    expect(JSON.parse(next.stdout)).toEqual({ items: [other], nextCursor: null });
    const all = await runAgainst(fake, ['secret', 'list', APP_ID, '--all', '--json']);
    expect(JSON.parse(all.stdout)).toEqual({ items: [secret, other], nextCursor: null });
    expect(fake.requests.map((r) => r.url.search)).toEqual([
      '?limit=1',
      '?limit=1&cursor=maps_key',
      '?limit=100',
      '?limit=100&cursor=maps_key',
    ]);
  });

  it('secret list shows names and versions; remove deletes by app and name', async () => {
    const fake = api().on('DELETE', `/v1/apps/${APP_ID}/secure-strings/maps_key`, { status: 204 });
    const list = await runAgainst(fake, ['secret', 'list', 'com.example.shop']);
    expect(list.stdout).toMatch(
      /^NAME\s+VERSION\s+CREATED\s+UPDATED\nmaps_key\s+2\s+2026-11-22T04:08:59Z\s+2026-11-23T00:00:00Z\n$/,
    );
    const removed = await runAgainst(fake, ['secret', 'remove', APP_ID, 'maps_key']);
    expect(removed.code).toBe(ExitCode.ok);
    expect(fake.only('DELETE', `/v1/apps/${APP_ID}/secure-strings/maps_key`)).toBeDefined();
  });
});

describe('revoke and revocation commands', () => {
  it('revoke sends the subject, reason and expiry', async () => {
    const api = new FakeApi().on('POST', '/v1/revocations', { status: 201, body: revocation });
    const run = await runAgainst(api, [
      'revoke',
      'device',
      'device-1',
      '--reason',
      'stolen',
      '--expires-at',
      '2026-12-22T04:08:59Z',
    ]);
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('POST', '/v1/revocations').json).toEqual({
      subject: { kind: 'device', value: 'device-1' },
      reason: 'stolen',
      expiresAt: '2026-12-22T04:08:59Z',
    });
    expect(run.stdout).toContain(
      `status:      active\ncreated:     2026-11-22T04:08:59Z\ncreated by:  ${KEY_ID}\nexpires:     2026-12-22T04:08:59Z\n`,
    );
    const badKind = await runAgainst(api, ['revoke', 'user', 'x']);
    expect(badKind.code).toBe(ExitCode.usage);
    expect(badKind.stderr).toContain('Allowed choices are device, installation, registration, token');
  });

  it('revoking what is revoked already is exit 5, naming the revocation in force', async () => {
    const api = new FakeApi().on('POST', '/v1/revocations', {
      status: 409,
      body: { statusCode: 409, message: 'this device is already revoked', revocationId: ID, requestId: 'r5' },
    });
    const run = await runAgainst(api, ['revoke', 'device', 'device-1']);
    expect(run.code).toBe(ExitCode.conflict);
    expect(run.stderr).toBe(
      `error: this device is already revoked (409)\n  revocationId: ${ID} (tessera revocation show ${ID})\n` +
        '  request id: r5\n',
    );
  });

  it('revocation list passes its filters; lift deletes it', async () => {
    const api = new FakeApi()
      .on('GET', '/v1/revocations', { body: { items: [revocation], nextCursor: null } })
      .on('DELETE', `/v1/revocations/${ID}`, { status: 204 });
    const list = await runAgainst(api, [
      'revocation',
      'list',
      '--kind',
      'device',
      '--value',
      'device-1',
      '--status',
      'all',
    ]);
    expect(api.only('GET', '/v1/revocations').url.search).toBe('?kind=device&value=device-1&status=all');
    expect(list.stdout).toMatch(/^ID +KIND +VALUE +REASON +STATUS +CREATED +EXPIRES\n/);
    expect(list.stdout).toMatch(/device +device-1 +stolen +active +2026-11-22T04:08:59Z +2026-12-22T04:08:59Z$/m);
    const lifted = await runAgainst(api, ['revocation', 'lift', ID, '--json']);
    expect(JSON.parse(lifted.stdout)).toEqual({ id: ID, lifted: true });
  });
});

describe('audit', () => {
  const entry: AuditEntry = {
    id: '42',
    at: '2026-11-22T04:08:59.105Z',
    actor: { keyId: '555847c4f2deb60b', teamId: null },
    action: 'team.update',
    target: { kind: 'team', id: 'T' },
    before: { name: 'Payments', description: '' },
    after: { name: 'Payments', description: 'pays' },
  };

  it('passes time, actor (a key id or masked key) and action filters, and shows what changed', async () => {
    const api = new FakeApi().on('GET', '/v1/audit', { body: { items: [entry], nextCursor: null } });
    const run = await runAgainst(api, [
      'audit',
      '--from',
      '2026-11-01T00:00:00Z',
      '--actor',
      'tsk_555847c4f2deb60b_****',
      '--action',
      'team.update',
      '--limit',
      '20',
    ]);
    expect(run.code).toBe(ExitCode.ok);
    expect(Object.fromEntries(api.only('GET', '/v1/audit').url.searchParams)).toEqual({
      limit: '20',
      from: '2026-11-01T00:00:00Z',
      actor: '555847c4f2deb60b',
      action: 'team.update',
    });
    expect(run.stdout).toMatch(/2026-11-22T04:08:59Z\s+team\.update\s+team T\s+555847c4f2deb60b\s+description/);
    expect((await runAgainst(api, ['audit', '--actor', 'me'])).code).toBe(ExitCode.usage);
    expect((await runAgainst(api, ['audit', '--limit', '500'])).code).toBe(ExitCode.usage);
  });

  it('describeChange says created, deleted, or which fields changed', () => {
    expect(describeChange({ ...entry, before: null })).toBe('created');
    expect(describeChange({ ...entry, after: null })).toBe('deleted');
    expect(describeChange(entry)).toBe('description');
    expect(describeChange({ ...entry, after: entry.before })).toBe('no change');
  });
});
