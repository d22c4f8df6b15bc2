import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Topics, topicName } from '@tessera/contracts';
import { eventually } from '../support/eventually';
import { RegistrationApp } from '../support/registration-app';
import { StateEvents } from '../support/state-events';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `reg_builds_${suffix}`;
const prefix = `it-${suffix}.`;
const tenant = `builds-${suffix}`;

const FIXTURES = 'libs/apk/test-fixtures';
/** Small, so the size limit is easy to pass; every fixture APK is well under it. */
const APK_LIMIT = 64 * 1024;
const APK = 'application/vnd.android.package-archive';
const TINY = 'android.appsecurity.cts.tinyapp';
const PINS = 'com.google.experimental.morrita.pinsapp';
const RSA_2048 = 'fb5dbd3c669af9fc236c6991e6387b7f11ff0590997f22d0f5c74ff40e04fca8';
const EC_P256 = '6a8b96e278e58f62cfe3584022cec1d0527fcb85a9e5d2e1694eb0405be5b599';

type Body = Record<string, unknown>;

interface Vector {
  file: string;
  expected: 'accept' | 'reject';
  packageName: string;
  versionCode: number | null;
  longVersionCode?: number;
  versionName: string | null;
  signerCertSha256: string[];
  lineageCertSha256: string[] | null;
}

const vectors = (JSON.parse(readFileSync(`${FIXTURES}/expected.json`, 'utf8')) as { vectors: Vector[] }).vectors;

/** Our refusal code for each rejected vector (expected.json gives apksigner's message). */
const REASONS: Record<string, string> = {
  'golden-aligned-in.apk': 'unsigned',
  'tampered-content-golden-aligned-v1v2v3-out.apk': 'content-digest-mismatch',
  'v1-sha1-sha256-manifest-and-sf-with-sha256-wrong-in-manifest.apk': 'v1-digest-mismatch',
  'v1v2v3-with-rsa-2048-lineage-3-signers-invalid-lineage-attr.apk': 'signed-data-signature-invalid',
  'v2-stripped.apk': 'v2-stripped',
};

/** keytool's way of printing a digest: upper case, colon-separated pairs. */
const colonSeparated = (hex: string) => (hex.toUpperCase().match(/../g) ?? []).join(':');

describe('registration admin API: registrations (real Postgres and Kafka)', () => {
  let reg: RegistrationApp;
  let events: StateEvents;
  let uploadDir: string;
  let admin: string;
  let mobile: { teamId: string; developerKey: string };
  let web: { teamId: string; developerKey: string };
  let tinyApp: string;
  let pinsApp: string;
  let iosApp: string;

  const createApp = async (key: string, body: Body) => {
    const created = await reg.call('POST', '/v1/apps', { key, body });
    if (created.status !== 201) throw new Error(`creating an app: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body.id as string;
  };

  const upload = (file: string, query = '', key = mobile.developerKey, contentType = APK) =>
    reg.call('POST', `/v1/registrations/apk${query}`, {
      key,
      rawBody: readFileSync(`${FIXTURES}/${file}`),
      headers: { 'content-type': contentType },
    });

  /** What a refused request must leave untouched. */
  const written = () => reg.counts('registration', 'outbox_event', 'audit_event');

  const uploadsLeft = () => readdirSync(uploadDir);

  beforeAll(async () => {
    uploadDir = mkdtempSync(path.join(tmpdir(), 'tessera-it-uploads-'));
    reg = await RegistrationApp.start(env, schema, prefix, {
      EXPIRY_SWEEP_INTERVAL_MS: '200',
      REGISTRATION_APK_MAX_BYTES: String(APK_LIMIT),
      REGISTRATION_UPLOAD_DIR: uploadDir,
    });
    events = await StateEvents.start(env.kafkaBrokers, [topicName(Topics.registry, prefix)]);
    admin = (await reg.bootstrap(tenant)).key;
    mobile = await reg.teamWithDeveloper(admin, 'Mobile');
    web = await reg.teamWithDeveloper(admin, 'Web');
    tinyApp = await createApp(mobile.developerKey, { name: 'Tiny', platform: 'android', packageName: TINY });
    pinsApp = await createApp(mobile.developerKey, { name: 'Pins', platform: 'android', packageName: PINS });
    iosApp = await createApp(admin, {
      name: 'Wallet iOS',
      teamId: mobile.teamId,
      platform: 'ios',
      appleTeamId: 'ABCDE12345',
      bundleId: 'com.example.wallet',
    });
  });

  afterAll(async () => {
    await events.stop();
    await reg.stop();
    rmSync(uploadDir, { recursive: true, force: true });
  });

  describe('from fields', () => {
    it('registers an Android build (digests as keytool prints them are normalised), publishes and audits it', async () => {
      const created = await reg.call('POST', '/v1/registrations', {
        key: mobile.developerKey,
        body: {
          appId: tinyApp,
          versionCodes: { min: 10, max: 20 },
          signingCertificateSha256: [colonSeparated(RSA_2048), EC_P256.toUpperCase()],
          versionName: '1.0',
          expireAfter: '7d',
        },
      });
      expect(created).toMatchObject({
        status: 201,
        body: {
          appId: tinyApp,
          teamId: mobile.teamId,
          platform: 'android',
          packageName: TINY,
          versionCodes: { min: 10, max: 20 },
          signingCertificateSha256: [RSA_2048, EC_P256],
          lineageCertificateSha256: [],
          versionName: '1.0',
          appleTeamId: null,
          bundleId: null,
          version: null,
          source: 'fields',
          status: 'active',
        },
      });
      const id = created.body.id as string;
      const createdAt = Date.parse(created.body.createdAt as string);
      expect(Date.parse(created.body.expiresAt as string) - createdAt).toBe(7 * 86_400_000);

      const event = await events.waitFor(`${tenant}/registration/${id}`);
      expect(event.envelope).toMatchObject({
        type: 'registration.upserted',
        tenant,
        data: {
          registrationId: id,
          appId: tinyApp,
          teamId: mobile.teamId,
          build: {
            platform: 'android',
            packageName: TINY,
            versionCodes: { min: 10, max: 20 },
            signingCertificateSha256: [RSA_2048, EC_P256],
            lineageCertificateSha256: [],
            versionName: '1.0',
          },
          source: 'fields',
          expiresAt: created.body.expiresAt,
        },
      });
      const audit = await reg.call('GET', '/v1/audit?action=registration.create', { key: admin });
      expect((audit.body.items as Body[])[0]).toMatchObject({
        actor: { teamId: mobile.teamId },
        target: { kind: 'registration', id },
        before: null,
        after: {
          appId: tinyApp,
          packageName: TINY,
          versionCodes: { min: 10, max: 20 },
          signingCertificateSha256: [RSA_2048, EC_P256],
          expiresAt: created.body.expiresAt,
          source: 'fields',
        },
      });
      expect(await reg.call('GET', `/v1/registrations/${id}`, { key: mobile.developerKey })).toMatchObject({
        status: 200,
        body: created.body,
      });
    });

    it('takes one versionCode, an open range, or none (every version)', async () => {
      const register = (fields: Body) =>
        reg.call('POST', '/v1/registrations', {
          key: admin,
          body: { appId: tinyApp, signingCertificateSha256: [RSA_2048], ...fields },
        });
      expect((await register({ versionCode: 7 })).body.versionCodes).toEqual({ min: 7, max: 7 });
      expect((await register({ versionCodes: { min: 4294967321 } })).body.versionCodes).toEqual({
        min: 4294967321,
        max: null,
      });
      const every = await register({});
      expect(every).toMatchObject({ status: 201, body: { versionCodes: { min: 0, max: null }, expiresAt: null } });
    });

    it('registers an iOS build with the app’s team and bundle ids', async () => {
      const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
      const created = await reg.call('POST', '/v1/registrations', {
        key: mobile.developerKey,
        body: { appId: iosApp, version: '2.1.0', expiresAt },
      });
      expect(created).toMatchObject({
        status: 201,
        body: {
          platform: 'ios',
          appleTeamId: 'ABCDE12345',
          bundleId: 'com.example.wallet',
          version: '2.1.0',
          packageName: null,
          versionCodes: null,
          signingCertificateSha256: null,
          source: 'fields',
        },
      });
      expect(Date.parse(created.body.expiresAt as string)).toBe(Date.parse(expiresAt));
      const event = await events.waitFor(`${tenant}/registration/${String(created.body.id)}`);
      expect(event.envelope?.data).toMatchObject({
        build: { platform: 'ios', appleTeamId: 'ABCDE12345', bundleId: 'com.example.wallet', version: '2.1.0' },
        source: 'fields',
      });
    });

    const digest = RSA_2048;
    it.each<[string, () => Body, string]>([
      [
        'an app id that is not a UUID',
        () => ({ appId: 'tiny', signingCertificateSha256: [digest] }),
        'appId: expected an app id (UUID)',
      ],
      [
        'a versionCode of the wrong type',
        () => ({ appId: tinyApp, versionCode: '10', signingCertificateSha256: [digest] }),
        'versionCode: Invalid input: expected number, received string',
      ],
      [
        'a negative versionCode',
        () => ({ appId: tinyApp, versionCode: -1, signingCertificateSha256: [digest] }),
        'versionCode: must not be negative',
      ],
      [
        'an unknown field (the package name is the app’s)',
        () => ({ appId: tinyApp, packageName: TINY, signingCertificateSha256: [digest] }),
        'body: unknown field(s) packageName',
      ],
      [
        'a digest that is not SHA-256',
        () => ({ appId: tinyApp, signingCertificateSha256: ['abc123'] }),
        'signingCertificateSha256.0: expected a SHA-256 digest: 64 hex characters, or 32 colon-separated pairs as apksigner and keytool print them',
      ],
      [
        'no digest at all',
        () => ({ appId: tinyApp, signingCertificateSha256: [] }),
        'signingCertificateSha256: at least one signing certificate digest',
      ],
      [
        'the same digest twice',
        () => ({ appId: tinyApp, signingCertificateSha256: [digest, colonSeparated(digest)] }),
        'signingCertificateSha256: each digest at most once',
      ],
      [
        'a range whose min is over its max',
        () => ({ appId: tinyApp, versionCodes: { min: 20, max: 10 }, signingCertificateSha256: [digest] }),
        'versionCodes: min must not be greater than max',
      ],
      [
        'both versionCode and versionCodes',
        () => ({ appId: tinyApp, versionCode: 1, versionCodes: { min: 1 }, signingCertificateSha256: [digest] }),
        'versionCodes: give versionCode or versionCodes, not both',
      ],
      [
        'both expireAfter and expiresAt',
        () => ({
          appId: tinyApp,
          signingCertificateSha256: [digest],
          expireAfter: '1h',
          expiresAt: '2030-01-01T00:00:00Z',
        }),
        'expiresAt: give expireAfter or expiresAt, not both',
      ],
      [
        'a duration it cannot read',
        () => ({ appId: tinyApp, signingCertificateSha256: [digest], expireAfter: '10 minutes' }),
        'expireAfter: expected a whole number and a unit (s, m, h, d), such as 600s, 30m, 12h or 7d',
      ],
      [
        'a duration over ten years',
        () => ({ appId: tinyApp, signingCertificateSha256: [digest], expireAfter: '4000d' }),
        'expireAfter: must be at most 10 years (3650d)',
      ],
      [
        'an expiry in the past',
        () => ({ appId: tinyApp, signingCertificateSha256: [digest], expiresAt: '2020-01-01T00:00:00Z' }),
        'expiresAt: must be in the future',
      ],
      [
        'an Android build without its signing certificates',
        () => ({ appId: tinyApp, versionCode: 1 }),
        'signingCertificateSha256: required for an android app',
      ],
      [
        'an iOS field for an Android app',
        () => ({ appId: tinyApp, signingCertificateSha256: [digest], version: '1.0' }),
        'version: only for ios apps (this app is android)',
      ],
      [
        'an Android field for an iOS app',
        () => ({ appId: iosApp, versionCode: 3 }),
        'versionCode: only for android apps (this app is ios)',
      ],
    ])('answers %s with 400 naming the problem, writing nothing', async (_what, body, problem) => {
      const before = await written();
      const response = await reg.call('POST', '/v1/registrations', { key: mobile.developerKey, body: body() });
      expect(response.status).toBe(400);
      expect(response.body.errors).toContain(problem);
      expect(await written()).toEqual(before);
    });
  });

  describe('from an APK', () => {
    describe.each(vectors.filter((v) => v.expected === 'accept'))('accepts $file', (vector) => {
      it('registering exactly the package, versionCode and signers the vector expects', async () => {
        // The pins app is named by id; the others are found by their package name.
        const query = vector.packageName === PINS ? `?appId=${pinsApp}` : '';
        const created = await upload(vector.file, query);
        const versionCode = vector.longVersionCode ?? vector.versionCode ?? 0;
        expect(created).toMatchObject({
          status: 201,
          body: {
            appId: vector.packageName === PINS ? pinsApp : tinyApp,
            teamId: mobile.teamId,
            platform: 'android',
            packageName: vector.packageName,
            versionCodes: { min: versionCode, max: versionCode },
            signingCertificateSha256: vector.signerCertSha256,
            lineageCertificateSha256: vector.lineageCertSha256 ?? [],
            versionName: vector.versionName,
            source: 'apk',
            expiresAt: null,
          },
        });
        const event = await events.waitFor(`${tenant}/registration/${String(created.body.id)}`);
        expect(event.envelope?.data).toMatchObject({
          build: {
            packageName: vector.packageName,
            versionCodes: { min: versionCode, max: versionCode },
            signingCertificateSha256: vector.signerCertSha256,
          },
          source: 'apk',
        });
        expect(uploadsLeft()).toEqual([]);
      });
    });

    describe.each(vectors.filter((v) => v.expected === 'reject'))('refuses $file', (vector) => {
      it('with 422 and the reason, writing nothing', async () => {
        const before = await written();
        const refused = await upload(vector.file, `?appId=${tinyApp}`);
        expect(refused).toMatchObject({ status: 422, body: { statusCode: 422, reason: REASONS[vector.file] } });
        expect(String(refused.body.message).length).toBeGreaterThan(10);
        expect(await written()).toEqual(before);
        expect(uploadsLeft()).toEqual([]);
      });
    });

    it('registers "this versionCode and later" with an expiry, as application/octet-stream', async () => {
      const created = await upload(
        'v3-ec-p256-targetSdk-30.apk',
        `?appId=${tinyApp}&versionCodes=from&expireAfter=12h`,
        admin,
        'application/octet-stream',
      );
      expect(created).toMatchObject({
        status: 201,
        body: { versionCodes: { min: 10, max: null }, signingCertificateSha256: [EC_P256], source: 'apk' },
      });
      expect(Date.parse(created.body.expiresAt as string) - Date.parse(created.body.createdAt as string)).toBe(
        12 * 3_600_000,
      );
      const audit = await reg.call('GET', '/v1/audit?action=registration.create', { key: admin });
      expect((audit.body.items as Body[])[0]).toMatchObject({
        target: { id: created.body.id },
        after: { source: 'apk', versionCodes: { min: 10, max: null }, signingCertificateSha256: [EC_P256] },
      });
    });

    it('refuses an APK of another package than the app’s (422 package-mismatch)', async () => {
      const before = await written();
      const refused = await upload('golden-aligned-v1v2v3-out.apk', `?appId=${pinsApp}`);
      expect(refused).toMatchObject({
        status: 422,
        body: { reason: 'package-mismatch', message: `the APK is ${TINY}, but the app's package name is ${PINS}` },
      });
      expect(await written()).toEqual(before);
      expect(uploadsLeft()).toEqual([]);
    });

    it('answers 404 when the caller has no app with the APK’s package', async () => {
      const before = await written();
      // The tiny app belongs to the mobile team: to a web developer there is no such app.
      const refused = await upload('golden-aligned-v1v2v3-out.apk', '', web.developerKey);
      expect(refused).toMatchObject({
        status: 404,
        body: { message: `no app with package ${TINY}: create it first (tessera app add)` },
      });
      expect(await written()).toEqual(before);
      expect(uploadsLeft()).toEqual([]);
    });

    it.each([
      ['text/plain', 'text/plain'],
      ['a multipart form', 'multipart/form-data; boundary=x'],
      ['nothing', ''],
    ])('refuses a body sent as %s with 415', async (_what, contentType) => {
      const before = await written();
      const refused = await upload('golden-aligned-v1v2v3-out.apk', '', mobile.developerKey, contentType);
      expect(refused).toMatchObject({
        status: 415,
        body: { message: `send the APK as ${APK} or application/octet-stream` },
      });
      expect(await written()).toEqual(before);
    });

    it('leaves a body sent as JSON to the JSON parser, which refuses it (400), writing nothing', async () => {
      const before = await written();
      const refused = await upload('golden-aligned-v1v2v3-out.apk', '', mobile.developerKey, 'application/json');
      expect(refused).toMatchObject({
        status: 400,
        body: { message: expect.stringMatching(/not valid JSON/) as unknown },
      });
      expect(await written()).toEqual(before);
    });

    it('refuses an empty body, an iOS app and bad query parameters with 400', async () => {
      const before = await written();
      const empty = await reg.call('POST', `/v1/registrations/apk?appId=${tinyApp}`, {
        key: admin,
        rawBody: new Uint8Array(0),
        headers: { 'content-type': APK },
      });
      expect(empty).toMatchObject({ status: 400, body: { message: 'expected the APK as the request body' } });
      const ios = await upload('golden-aligned-v1v2v3-out.apk', `?appId=${iosApp}`);
      expect(ios).toMatchObject({
        status: 400,
        body: { errors: ['appId: an APK registers a build of an android app (this app is ios)'] },
      });
      for (const [query, problem] of [
        ['?versionCodes=all', 'versionCodes: expected exact or from'],
        [
          '?expireAfter=forever',
          'expireAfter: expected a whole number and a unit (s, m, h, d), such as 600s, 30m, 12h or 7d',
        ],
        ['?expireAfter=1h&expiresAt=2030-01-01T00:00:00Z', 'expiresAt: give expireAfter or expiresAt, not both'],
        ['?package=x', 'query: unknown field(s) package'],
      ]) {
        const refused = await upload('golden-aligned-v1v2v3-out.apk', query);
        expect(refused.status).toBe(400);
        expect(refused.body.errors).toContain(problem);
      }
      expect(await written()).toEqual(before);
      expect(uploadsLeft()).toEqual([]);
    });

    it('refuses an upload that declares more than REGISTRATION_APK_MAX_BYTES with 413, before reading it', async () => {
      const before = await written();
      const refused = await reg.call('POST', `/v1/registrations/apk?appId=${tinyApp}`, {
        key: admin,
        rawBody: new Uint8Array(APK_LIMIT + 1),
        headers: { 'content-type': APK },
      });
      expect(refused).toMatchObject({
        status: 413,
        body: { message: `the upload is larger than ${APK_LIMIT} bytes` },
      });
      expect(await written()).toEqual(before);
      expect(uploadsLeft()).toEqual([]);
    });

    it('refuses a streamed upload (no Content-Length) with 413 once it passes the limit, deleting what it kept', async () => {
      const before = await written();
      const meant = 1024 * APK_LIMIT;
      const answer = await streamUpload(`/v1/registrations/apk?appId=${tinyApp}`, admin, meant);
      expect(answer).toMatchObject({ status: 413 });
      expect(answer.body.message).toBe(`the upload is larger than ${APK_LIMIT} bytes`);
      // The answer came while the client was still sending: it never had to send all it meant to.
      expect(answer.sent).toBeLessThan(meant);
      expect(await written()).toEqual(before);
      await eventually(() => uploadsLeft().length === 0, 'the partial upload to be deleted');
    });

    it('deletes the temp file of an upload whose client goes away', async () => {
      const before = await written();
      const request = httpRequest(`${reg.url}/v1/registrations/apk?appId=${tinyApp}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': APK, 'content-length': String(APK_LIMIT) },
      });
      request.on('error', () => undefined); // the abort below
      request.write(Buffer.alloc(APK_LIMIT / 2));
      await eventually(() => uploadsLeft().length === 1, 'the upload to reach its temp file');
      request.destroy();
      await eventually(() => uploadsLeft().length === 0, 'the temp file of the aborted upload to be deleted');
      expect(await written()).toEqual(before);
    });
  });

  describe('lists, reads, deletes and expires', () => {
    it('keeps each team’s registrations to itself (404 to another team’s developer)', async () => {
      const own = await reg.call('POST', '/v1/registrations', {
        key: mobile.developerKey,
        body: { appId: tinyApp, versionCode: 99, signingCertificateSha256: [RSA_2048] },
      });
      const id = own.body.id as string;
      const before = await written();
      for (const [method, url] of [
        ['GET', `/v1/registrations/${id}`],
        ['DELETE', `/v1/registrations/${id}`],
      ] as const) {
        expect(await reg.call(method, url, { key: web.developerKey })).toMatchObject({
          status: 404,
          body: { message: 'no such registration' },
        });
      }
      const foreignApp = await reg.call('POST', '/v1/registrations', {
        key: web.developerKey,
        body: { appId: tinyApp, signingCertificateSha256: [RSA_2048] },
      });
      expect(foreignApp).toMatchObject({ status: 404, body: { message: 'no such app' } });
      const foreignUpload = await upload('golden-aligned-v1v2v3-out.apk', `?appId=${tinyApp}`, web.developerKey);
      expect(foreignUpload).toMatchObject({ status: 404, body: { message: 'no such app' } });
      expect(await written()).toEqual(before);

      const webList = await reg.call('GET', '/v1/registrations?status=all', { key: web.developerKey });
      expect(webList).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
      const filtered = await reg.call('GET', `/v1/registrations?teamId=${mobile.teamId}&appId=${tinyApp}`, {
        key: web.developerKey,
      });
      expect(filtered.body.items).toEqual([]);
      const mobileList = await reg.call('GET', `/v1/registrations?appId=${tinyApp}&limit=100`, {
        key: mobile.developerKey,
      });
      expect((mobileList.body.items as Body[]).map((r) => r.id)).toContain(id);
    });

    it('shows another tenant nothing (404, empty lists) and answers a request without a key with 401', async () => {
      const own = await reg.call('POST', '/v1/registrations', {
        key: admin,
        body: { appId: tinyApp, versionCode: 5, signingCertificateSha256: [RSA_2048] },
      });
      const id = own.body.id as string;
      const other = (await reg.bootstrap(`other-${suffix}`)).key;
      const before = await written();
      for (const [method, url, body] of [
        ['GET', `/v1/registrations/${id}`, undefined],
        ['DELETE', `/v1/registrations/${id}`, undefined],
        ['POST', '/v1/registrations', { appId: tinyApp, signingCertificateSha256: [RSA_2048] }],
      ] as const) {
        expect((await reg.call(method, url, { key: other, body })).status).toBe(404);
      }
      expect((await upload('golden-aligned-v1v2v3-out.apk', `?appId=${tinyApp}`, other)).status).toBe(404);
      expect(await upload('golden-aligned-v1v2v3-out.apk', '', other)).toMatchObject({
        status: 404,
        body: { message: `no app with package ${TINY}: create it first (tessera app add)` },
      });
      const listed = await reg.call('GET', `/v1/registrations?status=all&appId=${tinyApp}`, { key: other });
      expect(listed.body.items).toEqual([]);
      const anonymous = await reg.call('POST', `/v1/registrations/apk?appId=${tinyApp}`, {
        rawBody: readFileSync(`${FIXTURES}/golden-aligned-v1v2v3-out.apk`),
        headers: { 'content-type': APK },
      });
      expect(anonymous.status).toBe(401);
      expect((await reg.call('GET', '/v1/registrations')).status).toBe(401);
      expect(await written()).toEqual(before);
      expect(uploadsLeft()).toEqual([]);
    });

    it('lists with filters and pages', async () => {
      const ios = await reg.call('GET', '/v1/registrations?platform=ios', { key: admin });
      expect((ios.body.items as Body[]).length).toBeGreaterThan(0);
      expect((ios.body.items as Body[]).every((r) => r.platform === 'ios' && r.appId === iosApp)).toBe(true);
      const byTeam = await reg.call('GET', `/v1/registrations?teamId=${web.teamId}`, { key: admin });
      expect(byTeam.body.items).toEqual([]);
      const all = await reg.call('GET', '/v1/registrations?limit=100', { key: admin });
      const ids = (all.body.items as Body[]).map((r) => r.id as string);
      expect(ids.length).toBeGreaterThan(3);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: Body } = await reg.call(
          'GET',
          `/v1/registrations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          { key: admin },
        );
        paged.push(...(page.body.items as Body[]).map((r) => r.id as string));
        cursor = page.body.nextCursor as string | null;
      } while (cursor);
      expect(paged).toEqual(ids);
      for (const query of ['?status=gone', '?platform=windows', '?limit=0', '?appId=x', '?sort=id']) {
        expect((await reg.call('GET', `/v1/registrations${query}`, { key: admin })).status).toBe(400);
      }
      expect(await reg.call('GET', '/v1/registrations/not-a-uuid', { key: admin })).toMatchObject({
        status: 400,
        body: { errors: ['registrationId: expected a registration id (UUID)'] },
      });
    });

    it('deletes a registration with a tombstone and an audit entry; an app with registrations cannot go (409)', async () => {
      const before = await written();
      const refused = await reg.call('DELETE', `/v1/apps/${pinsApp}`, { key: mobile.developerKey });
      expect(refused).toMatchObject({
        status: 409,
        body: { message: 'the app still has registrations, secure strings or device overrides: remove them first' },
      });
      expect(await written()).toEqual(before);

      const created = await reg.call('POST', '/v1/registrations', {
        key: mobile.developerKey,
        body: { appId: pinsApp, signingCertificateSha256: [RSA_2048] },
      });
      const id = created.body.id as string;
      await events.waitFor(`${tenant}/registration/${id}`);
      expect((await reg.call('DELETE', `/v1/registrations/${id}`, { key: mobile.developerKey })).status).toBe(204);
      await events.waitForTombstone(`${tenant}/registration/${id}`);
      expect((await reg.call('GET', `/v1/registrations/${id}`, { key: admin })).status).toBe(404);
      expect((await reg.call('DELETE', `/v1/registrations/${id}`, { key: admin })).status).toBe(404);
      const audit = await reg.call('GET', '/v1/audit?action=registration.delete', { key: admin });
      expect((audit.body.items as Body[])[0]).toMatchObject({
        actor: { teamId: mobile.teamId },
        target: { kind: 'registration', id },
        before: { appId: pinsApp, packageName: PINS, signingCertificateSha256: [RSA_2048], source: 'fields' },
        after: null,
      });
    });

    it('expires a registration without anyone acting: tombstone, audit entry, listed as expired', async () => {
      const created = await reg.call('POST', '/v1/registrations', {
        key: mobile.developerKey,
        body: { appId: iosApp, version: '0.9', expireAfter: '1s' },
      });
      expect(created).toMatchObject({ status: 201, body: { status: 'active' } });
      const id = created.body.id as string;
      await events.waitFor(`${tenant}/registration/${id}`, (e) => e.envelope !== null);
      await events.waitForTombstone(`${tenant}/registration/${id}`);

      const audit = await reg.call('GET', '/v1/audit?action=registration.expire', { key: admin });
      expect(audit.body.items).toEqual([
        expect.objectContaining({
          actor: { keyId: null, teamId: null },
          target: { kind: 'registration', id },
          before: expect.objectContaining({ appId: iosApp, bundleId: 'com.example.wallet', version: '0.9' }) as unknown,
          after: null,
        }),
      ]);
      const listed = async (status: string) =>
        (
          (await reg.call('GET', `/v1/registrations?status=${status}&limit=100`, { key: admin })).body.items as Body[]
        ).map((r) => r.id);
      expect(await listed('expired')).toContain(id);
      expect(await listed('all')).toContain(id);
      expect(await listed('active')).not.toContain(id);
      expect(await reg.call('GET', `/v1/registrations/${id}`, { key: admin })).toMatchObject({
        status: 200,
        body: { status: 'expired' },
      });
      // Swept once: later sweeps publish nothing more.
      const rows = await reg.dataSource.query<{ published: Date | null }[]>(
        `SELECT expiry_published_at AS published FROM "${schema}".registration WHERE id = $1`,
        [id],
      );
      expect(rows[0]?.published).toBeInstanceOf(Date);
    });
  });

  /**
   * Sends up to `total` bytes without a Content-Length (chunked), stopping as soon as an answer arrives, as a
   * client that streams a file would. Errors from writing after the server closed are expected and ignored.
   */
  async function streamUpload(
    url: string,
    key: string,
    total: number,
  ): Promise<{ status: number; body: Body; sent: number }> {
    const request = httpRequest(`${reg.url}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': APK },
    });
    const state = { answered: false };
    const answer = new Promise<{ status: number; body: Body }>((resolve, reject) => {
      request.on('response', (response) => {
        state.answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as Body });
        });
        response.on('error', reject);
      });
      request.on('error', (error) => {
        if (!state.answered) reject(error);
      });
    });
    const chunk = Buffer.alloc(4096, 0x50);
    let sent = 0;
    while (!state.answered && sent < total && !request.destroyed) {
      sent += chunk.length;
      const flushed = request.write(chunk)
        ? new Promise((resolve) => setImmediate(resolve))
        : new Promise((resolve) => request.once('drain', resolve));
      await Promise.race([flushed, answer.catch(() => undefined)]);
    }
    if (!state.answered && !request.destroyed) request.end();
    const { status, body } = await answer;
    request.destroy(); // a client that had more to send gives up once refused
    return { status, body, sent };
  }
});
