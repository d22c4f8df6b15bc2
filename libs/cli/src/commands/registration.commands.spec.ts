import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Registration } from '../api/views';
import { ExitCode } from '../exit-codes';
import { FakeApi, runAgainst } from '../testing/fake-api';
import { certificateDigest, parseVersionCodeRange } from './registration.commands';

const APP_ID = '0b6ad7a4-1b7e-4c55-9d0c-2f1e8b9a6c01';
const CERT = 'ab'.repeat(32);
const registration: Registration = {
  id: '9d0c2f1e-8b9a-4c55-9d0c-0b6ad7a41b7e',
  appId: APP_ID,
  teamId: '4ff4f2ad-e372-4a97-b9bc-034225007224',
  platform: 'android',
  packageName: 'com.example.shop',
  versionCodes: { min: 40, max: null },
  signingCertificateSha256: [CERT],
  lineageCertificateSha256: [],
  versionName: '4.0',
  appleTeamId: null,
  bundleId: null,
  version: null,
  source: 'apk',
  createdAt: '2026-11-22T04:08:59.105Z',
  expiresAt: '2026-11-22T04:18:59.105Z',
  status: 'active',
};
const iosRegistration: Registration = {
  ...registration,
  platform: 'ios',
  packageName: null,
  versionCodes: null,
  signingCertificateSha256: null,
  lineageCertificateSha256: null,
  versionName: null,
  appleTeamId: 'ABCDE12345',
  bundleId: 'com.example.shop',
  version: '1.2.3',
  source: 'fields',
  expiresAt: null,
};
const apps = {
  items: [{ id: APP_ID, packageName: 'com.example.shop', bundleId: null, appleTeamId: null }],
  nextCursor: null,
};

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function apkFile(): { file: string; bytes: Buffer } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-spec-'));
  tempDirs.push(dir);
  const file = path.join(dir, 'app-release.apk');
  const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
  writeFileSync(file, bytes);
  return { file, bytes };
}

describe('registration add', () => {
  it('streams an APK file as the request body with its type, length and options', async () => {
    const { file, bytes } = apkFile();
    const api = new FakeApi()
      .on('GET', '/v1/apps', { body: apps })
      .on('POST', '/v1/registrations/apk', { status: 201, body: registration });
    const run = await runAgainst(api, [
      'registration',
      'add',
      file,
      '--app',
      'com.example.shop',
      '--expire-after',
      '600s',
      '--version-codes',
      'from',
    ]);
    expect(run.code).toBe(ExitCode.ok);
    const upload = api.only('POST', '/v1/registrations/apk');
    expect(upload.init.body).toBeInstanceOf(ReadableStream);
    expect(upload.init.duplex).toBe('half');
    expect(upload.bytes?.equals(bytes)).toBe(true);
    expect(upload.headers.get('content-type')).toBe('application/vnd.android.package-archive');
    expect(upload.headers.get('content-length')).toBe(String(bytes.length));
    expect(Object.fromEntries(upload.url.searchParams)).toEqual({
      appId: APP_ID,
      versionCodes: 'from',
      expireAfter: '600s',
    });
    expect(run.stdout.split('\n')).toEqual([
      `id:             ${registration.id}`,
      `app:            ${APP_ID}`,
      `team:           ${registration.teamId}`,
      'platform:       android',
      'identifier:     com.example.shop',
      'versions:       40- (4.0)',
      `signer sha256:  ${CERT}`,
      'source:         apk',
      'status:         active',
      'created:        2026-11-22T04:08:59Z',
      'expires:        2026-11-22T04:18:59Z',
      '',
    ]);
  });

  it('shows every signer and the v3 lineage, one digest per line; an iOS build by team, bundle and version', async () => {
    const lineage = ['cd'.repeat(32), CERT];
    const rotated: Registration = {
      ...registration,
      versionCodes: { min: 7, max: 7 },
      lineageCertificateSha256: lineage,
    };
    const api = new FakeApi()
      .on('GET', `/v1/registrations/${registration.id}`, { body: rotated })
      .on('GET', `/v1/registrations/${iosRegistration.id}x`, { body: iosRegistration });
    const android = await runAgainst(api, ['registration', 'show', registration.id]);
    expect(android.stdout).toContain(
      `versions:        7 (4.0)\nsigner sha256:   ${CERT}\nlineage sha256:  ${lineage[0]}\n                 ${CERT}\n`,
    );
    const ios = await runAgainst(api, ['registration', 'show', `${iosRegistration.id}x`]);
    expect(ios.stdout).toContain('platform:    ios\nidentifier:  ABCDE12345.com.example.shop\nversions:    1.2.3\n');
    expect(ios.stdout).not.toContain('sha256');
    expect(ios.stdout).toContain('expires:     -\n');
  });

  it('shows the reason of a refused APK (422, exit 1)', async () => {
    const { file } = apkFile();
    const api = new FakeApi().on('POST', '/v1/registrations/apk', {
      status: 422,
      body: {
        statusCode: 422,
        reason: 'content-digest-mismatch',
        message: 'APK Signature Scheme v2 signer #1: the content digest does not match (the APK was altered)',
        requestId: 'r',
      },
    });
    const run = await runAgainst(api, ['registration', 'add', file]);
    expect(run.code).toBe(ExitCode.failure);
    expect(run.stderr).toBe(
      'error: APK Signature Scheme v2 signer #1: the content digest does not match (the APK was altered) ' +
        '(422, reason content-digest-mismatch)\n  request id: r\n',
    );
    expect(api.only('POST', '/v1/registrations/apk').url.search).toBe('');
  });

  it('registers from Android fields: a version range and certificates as keytool prints them', async () => {
    const api = new FakeApi()
      .on('GET', '/v1/apps', { body: apps })
      .on('POST', '/v1/registrations', { status: 201, body: { ...registration, source: 'fields' } });
    const colons = CERT.toUpperCase().match(/../g)?.join(':') ?? '';
    const run = await runAgainst(api, [
      'registration',
      'add',
      '--app',
      'com.example.shop',
      '--version-codes',
      '40-',
      '--cert',
      colons,
      '--cert',
      'cd'.repeat(32),
      '--lineage-cert',
      'ef'.repeat(32),
      '--lineage-cert',
      colons,
      '--expires-at',
      '2027-01-01T00:00:00Z',
    ]);
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('POST', '/v1/registrations').json).toEqual({
      appId: APP_ID,
      versionCodes: { min: 40 },
      signingCertificateSha256: [CERT, 'cd'.repeat(32)],
      lineageCertificateSha256: ['ef'.repeat(32), CERT],
      expiresAt: '2027-01-01T00:00:00Z',
    });
  });

  it('registers an iOS build from a version (or every version)', async () => {
    const api = new FakeApi().on('POST', '/v1/registrations', { status: 201, body: iosRegistration });
    const run = await runAgainst(api, [
      'registration',
      'add',
      '--app',
      APP_ID,
      '--version',
      '1.2.3',
      '--expire-after',
      '7d',
    ]);
    expect(run.stdout).toContain('versions:    1.2.3\n');
    await runAgainst(api, ['registration', 'add', '--app', APP_ID]);
    expect(api.requests.map((r) => r.json)).toEqual([
      { appId: APP_ID, version: '1.2.3', expireAfter: '7d' },
      { appId: APP_ID },
    ]);
  });

  it.each([
    [['--version', '1.0', '--cert', 'ab'.repeat(32)], '--version is for iOS'],
    [['--version-code', '4', '--version-codes', '1-', '--cert', 'ab'.repeat(32)], 'not both'],
    [['--version-code', '4'], 'needs --cert'],
    [['--version-codes', '45-40', '--cert', 'ab'.repeat(32)], 'ends before it starts'],
    [['--version-codes', 'many', '--cert', 'ab'.repeat(32)], 'expected a range'],
    [['--cert', 'abc'], 'expected a SHA-256 digest'],
    [['--version-code', '-1'], 'expected an integer'],
    [['--expire-after', '1h', '--expires-at', '2027-01-01T00:00:00Z'], 'cannot be used with'],
  ])('fields %j are a usage error (%s), sending nothing', async (options, problem) => {
    const api = new FakeApi();
    const run = await runAgainst(api, ['registration', 'add', '--app', APP_ID, ...options]);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain(problem);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses field options with an APK, a missing file, and neither file nor --app', async () => {
    const api = new FakeApi();
    const { file } = apkFile();
    const withCert = await runAgainst(api, ['registration', 'add', file, '--cert', 'ab'.repeat(32)]);
    expect(withCert.stderr).toContain('--cert: not with an APK');
    const withLineage = await runAgainst(api, ['registration', 'add', file, '--lineage-cert', 'ab'.repeat(32)]);
    expect(withLineage.stderr).toContain('--lineage-cert: not with an APK');
    const range = await runAgainst(api, ['registration', 'add', file, '--version-codes', '1-']);
    expect(range.stderr).toContain('exact (only its versionCode) or from');
    const missing = await runAgainst(api, ['registration', 'add', '/nonexistent/app.apk']);
    expect(missing.stderr).toContain('cannot read /nonexistent/app.apk: no such file');
    const directory = await runAgainst(api, ['registration', 'add', os.tmpdir()]);
    expect(directory.stderr).toContain('is not a file');
    const nothing = await runAgainst(api, ['registration', 'add']);
    expect(nothing.stderr).toContain('give an APK file, or --app');
    for (const run of [withCert, withLineage, range, missing, directory, nothing])
      expect(run.code).toBe(ExitCode.usage);
    expect(api.requests).toHaveLength(0);
  });
});

describe('registration list, show, remove', () => {
  it('passes the filters, shows versions, and removes by id', async () => {
    const api = new FakeApi()
      .on('GET', '/v1/registrations', { body: { items: [registration], nextCursor: null } })
      .on('DELETE', `/v1/registrations/${registration.id}`, { status: 204 });
    const list = await runAgainst(api, [
      'registration',
      'list',
      '--app',
      APP_ID,
      '--status',
      'all',
      '--platform',
      'android',
    ]);
    expect(api.only('GET', '/v1/registrations').url.search).toBe(`?appId=${APP_ID}&platform=android&status=all`);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID +APP +IDENTIFIER +VERSIONS +SOURCE +STATUS +CREATED +EXPIRES$/);
    expect(list.stdout).toMatch(
      /com\.example\.shop +40- \(4\.0\) +apk +active +2026-11-22T04:08:59Z +2026-11-22T04:18:59Z/,
    );
    const removed = await runAgainst(api, ['registration', 'remove', registration.id]);
    expect(removed.stdout).toBe(`removed registration ${registration.id}\n`);
    expect((await runAgainst(api, ['registration', 'list', '--status', 'gone'])).code).toBe(ExitCode.usage);
  });

  it('an unknown id is exit 4', async () => {
    const api = new FakeApi().on('GET', '/v1/registrations/x', {
      status: 404,
      body: { statusCode: 404, message: 'no such registration', requestId: 'r4' },
    });
    const run = await runAgainst(api, ['registration', 'show', 'x']);
    expect(run.code).toBe(ExitCode.notFound);
    expect(run.stderr).toBe('error: no such registration (404)\n  request id: r4\n');
  });
});

describe('parsers', () => {
  it('parseVersionCodeRange and certificateDigest', () => {
    expect(parseVersionCodeRange('40-45')).toEqual({ min: 40, max: 45 });
    expect(parseVersionCodeRange('7-7')).toEqual({ min: 7, max: 7 });
    expect(parseVersionCodeRange('40-')).toEqual({ min: 40 });
    expect(() => parseVersionCodeRange('-40')).toThrow('expected a range');
    expect(certificateDigest(` ${'AB:'.repeat(31)}AB `)).toBe('ab'.repeat(32));
  });
});
