import { readFileSync } from 'node:fs';
import { RegistrationApp } from '../support/registration-app';
import { servedRoutes } from '../support/served-routes';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

/**
 * Every admin endpoint against every kind of caller: tenant A's admin, a developer of the team that owns the
 * resource, a developer of another team, and the admin of another tenant. Another tenant's resource must answer
 * exactly as one that does not exist (404, or absent from lists), never 403. The last test fails when a route is
 * served that this table does not cover, so a new endpoint cannot skip the matrix.
 */

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `reg_matrix_${suffix}`;
const tenantA = `ma-${suffix}`;
const tenantB = `mb-${suffix}`;

type Response = Awaited<ReturnType<RegistrationApp['call']>>;
type Caller = 'admin' | 'ownDeveloper' | 'otherDeveloper' | 'otherTenant';

interface Request {
  path: string;
  body?: unknown;
  rawBody?: Uint8Array;
  headers?: Record<string, string>;
  /** An id of tenant A (or of the owning team) that the answer must not contain when it is `hidden`. */
  secret?: string;
}

/** A status, or `hidden`: 200 and the answer does not mention the request's `secret` id. */
type Expectation = number | 'hidden';

interface MatrixCase {
  route: string;
  /** Builds the request, making fresh resources in tenant A (as its admin) so every caller starts alike. */
  request: (caller: Caller) => Promise<Request>;
  expect: Record<Caller, Expectation>;
}

describe('registration admin API: the role and tenant matrix over every endpoint', () => {
  let reg: RegistrationApp;
  const keys = {} as Record<Caller, string>;
  let ownTeam: string;
  let counter = 0;
  const unique = (what: string) => `${what}-${++counter}`;

  const ok = async (response: Promise<Response>, what: string): Promise<Record<string, unknown>> => {
    const answer = await response;
    if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const newTeam = async () =>
    (await ok(reg.call('POST', '/v1/teams', { key: keys.admin, body: { name: unique('team') } }), 'team')).id as string;
  const newKey = async () =>
    (await ok(reg.call('POST', '/v1/keys', { key: keys.admin, body: { name: unique('key'), role: 'admin' } }), 'key'))
      .id as string;
  const newApp = async () =>
    (
      await ok(
        reg.call('POST', '/v1/apps', {
          key: keys.admin,
          body: { name: unique('app'), teamId: ownTeam, platform: 'android', packageName: `com.example.m${++counter}` },
        }),
        'app',
      )
    ).id as string;

  const apk = readFileSync(`${process.cwd()}/libs/apk/test-fixtures/v3-ec-p256-targetSdk-30.apk`);
  /** The app whose package the fixture APK carries (one per tenant: every APK case registers another build of it). */
  let apkApp: string;
  const digest = 'ab'.repeat(32);
  const newRegistration = async () =>
    (
      await ok(
        reg.call('POST', '/v1/registrations', {
          key: keys.admin,
          body: { appId: await newApp(), versionCode: 1, signingCertificateSha256: [digest] },
        }),
        'registration',
      )
    ).id as string;

  const newPolicy = async () =>
    (
      await ok(
        reg.call('POST', '/v1/policies', { key: keys.admin, body: { name: unique('policy'), preset: 'strict' } }),
        'policy',
      )
    ).id as string;
  const newOverride = async () =>
    (
      await ok(
        reg.call('POST', '/v1/device-overrides', {
          key: keys.admin,
          body: { deviceId: unique('device'), appId: await newApp(), verdict: 'fail' },
        }),
        'device override',
      )
    ).id as string;

  /** An app of the owning team with one secure string; answers the path of that secure string. */
  const newSecureString = async () => {
    const path = `/v1/apps/${await newApp()}/secure-strings/API_KEY`;
    await ok(reg.call('PUT', path, { key: keys.admin, body: { value: 'not for other eyes' } }), 'secure string');
    return path;
  };
  const newRevocation = async () =>
    (
      await ok(
        reg.call('POST', '/v1/revocations', {
          key: keys.admin,
          body: { subject: { kind: 'device', value: unique('lost-device') }, reason: 'lost' },
        }),
        'revocation',
      )
    ).id as string;

  const cases: MatrixCase[] = [
    // --- tenant ---------------------------------------------------------------------------------------------
    {
      route: 'GET /v1/tenants/current',
      request: () => Promise.resolve({ path: '/v1/tenants/current', secret: tenantA }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 200, otherTenant: 'hidden' },
    },
    {
      route: 'PATCH /v1/tenants/current',
      request: () =>
        Promise.resolve({ path: '/v1/tenants/current', body: { name: unique('tenant') }, secret: tenantA }),
      expect: { admin: 200, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 'hidden' },
    },
    // --- teams ----------------------------------------------------------------------------------------------
    {
      route: 'GET /v1/teams',
      request: () => Promise.resolve({ path: '/v1/teams?limit=100', secret: ownTeam }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 'hidden', otherTenant: 'hidden' },
    },
    {
      route: 'POST /v1/teams',
      request: () => Promise.resolve({ path: '/v1/teams', body: { name: unique('team') } }),
      expect: { admin: 201, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 201 },
    },
    {
      route: 'GET /v1/teams/:teamId',
      request: () => Promise.resolve({ path: `/v1/teams/${ownTeam}` }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 403, otherTenant: 404 },
    },
    {
      route: 'PATCH /v1/teams/:teamId',
      request: async () => ({ path: `/v1/teams/${await newTeam()}`, body: { description: 'changed' } }),
      expect: { admin: 200, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 404 },
    },
    {
      route: 'DELETE /v1/teams/:teamId',
      request: async () => ({ path: `/v1/teams/${await newTeam()}` }),
      expect: { admin: 204, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 404 },
    },
    // --- API keys -------------------------------------------------------------------------------------------
    {
      route: 'GET /v1/keys',
      request: async () => ({ path: '/v1/keys?limit=100', secret: await newKey() }),
      expect: { admin: 200, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 'hidden' },
    },
    {
      route: 'POST /v1/keys',
      request: () =>
        Promise.resolve({ path: '/v1/keys', body: { name: unique('key'), role: 'developer', teamId: ownTeam } }),
      // Another tenant's team is unknown in a body, as in a path: 400 `teamId: no such team`.
      expect: { admin: 201, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 400 },
    },
    {
      route: 'GET /v1/keys/:keyId',
      request: async () => ({ path: `/v1/keys/${await newKey()}` }),
      expect: { admin: 200, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 404 },
    },
    {
      route: 'POST /v1/keys/:keyId/revoke',
      request: async () => ({ path: `/v1/keys/${await newKey()}/revoke` }),
      expect: { admin: 200, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 404 },
    },
    // --- apps -----------------------------------------------------------------------------------------------
    {
      route: 'GET /v1/apps',
      request: async () => ({ path: '/v1/apps?limit=100', secret: await newApp() }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 'hidden', otherTenant: 'hidden' },
    },
    {
      route: 'POST /v1/apps',
      request: () =>
        Promise.resolve({
          path: '/v1/apps',
          body: { name: unique('app'), teamId: ownTeam, platform: 'android', packageName: `com.example.n${++counter}` },
        }),
      expect: { admin: 201, ownDeveloper: 201, otherDeveloper: 400, otherTenant: 400 },
    },
    {
      route: 'GET /v1/apps/:appId',
      request: async () => ({ path: `/v1/apps/${await newApp()}` }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 404, otherTenant: 404 },
    },
    {
      route: 'PATCH /v1/apps/:appId',
      request: async () => ({ path: `/v1/apps/${await newApp()}`, body: { name: unique('renamed') } }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 404, otherTenant: 404 },
    },
    {
      route: 'DELETE /v1/apps/:appId',
      request: async () => ({ path: `/v1/apps/${await newApp()}` }),
      expect: { admin: 204, ownDeveloper: 204, otherDeveloper: 404, otherTenant: 404 },
    },
    // --- registrations --------------------------------------------------------------------------------------
    {
      route: 'GET /v1/registrations',
      request: async () => ({ path: '/v1/registrations?limit=100', secret: await newRegistration() }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 'hidden', otherTenant: 'hidden' },
    },
    {
      route: 'POST /v1/registrations',
      request: async () => ({
        path: '/v1/registrations',
        body: { appId: await newApp(), versionCode: 7, signingCertificateSha256: [digest] },
      }),
      expect: { admin: 201, ownDeveloper: 201, otherDeveloper: 404, otherTenant: 404 },
    },
    {
      route: 'POST /v1/registrations/apk',
      request: () =>
        Promise.resolve({
          path: `/v1/registrations/apk?appId=${apkApp}`,
          rawBody: apk,
          headers: { 'content-type': 'application/vnd.android.package-archive' },
        }),
      expect: { admin: 201, ownDeveloper: 201, otherDeveloper: 404, otherTenant: 404 },
    },
    {
      route: 'GET /v1/registrations/:registrationId',
      request: async () => ({ path: `/v1/registrations/${await newRegistration()}` }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 404, otherTenant: 404 },
    },
    {
      route: 'DELETE /v1/registrations/:registrationId',
      request: async () => ({ path: `/v1/registrations/${await newRegistration()}` }),
      expect: { admin: 204, ownDeveloper: 204, otherDeveloper: 404, otherTenant: 404 },
    },
    // --- secure strings -------------------------------------------------------------------------------------
    {
      route: 'GET /v1/apps/:appId/secure-strings',
      request: async () => ({ path: (await newSecureString()).replace(/\/API_KEY$/, '') }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 404, otherTenant: 404 },
    },
    {
      route: 'PUT /v1/apps/:appId/secure-strings/:name',
      request: async () => ({ path: `/v1/apps/${await newApp()}/secure-strings/MAPS_KEY`, body: { value: 'v' } }),
      expect: { admin: 201, ownDeveloper: 201, otherDeveloper: 404, otherTenant: 404 },
    },
    {
      route: 'DELETE /v1/apps/:appId/secure-strings/:name',
      request: async () => ({ path: await newSecureString() }),
      expect: { admin: 204, ownDeveloper: 204, otherDeveloper: 404, otherTenant: 404 },
    },
    // --- revocations ----------------------------------------------------------------------------------------
    {
      route: 'GET /v1/revocations',
      request: async () => ({ path: '/v1/revocations?limit=100', secret: await newRevocation() }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 200, otherTenant: 'hidden' },
    },
    {
      route: 'POST /v1/revocations',
      request: async () => ({
        path: '/v1/revocations',
        body: { subject: { kind: 'registration', value: await newRegistration() }, expireAfter: '1h' },
      }),
      // Another tenant's registration is unknown: 400 `subject.value: no such registration`.
      expect: { admin: 201, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 400 },
    },
    {
      route: 'GET /v1/revocations/:revocationId',
      request: async () => ({ path: `/v1/revocations/${await newRevocation()}` }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 200, otherTenant: 404 },
    },
    {
      route: 'DELETE /v1/revocations/:revocationId',
      request: async () => ({ path: `/v1/revocations/${await newRevocation()}` }),
      expect: { admin: 204, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 404 },
    },
    // --- policies and their assignment ---------------------------------------------------------------------
    {
      route: 'GET /v1/policies/presets',
      request: () => Promise.resolve({ path: '/v1/policies/presets' }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 200, otherTenant: 200 },
    },
    {
      route: 'GET /v1/policies',
      request: async () => ({ path: '/v1/policies?limit=100', secret: await newPolicy() }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 200, otherTenant: 'hidden' },
    },
    {
      route: 'POST /v1/policies',
      request: () => Promise.resolve({ path: '/v1/policies', body: { name: unique('policy') } }),
      expect: { admin: 201, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 201 },
    },
    {
      route: 'GET /v1/policies/:policyId',
      request: async () => ({ path: `/v1/policies/${await newPolicy()}` }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 200, otherTenant: 404 },
    },
    {
      route: 'PATCH /v1/policies/:policyId',
      request: async () => ({
        path: `/v1/policies/${await newPolicy()}`,
        body: { rules: { signals: { proxy: 'monitor' } } },
      }),
      expect: { admin: 200, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 404 },
    },
    {
      route: 'DELETE /v1/policies/:policyId',
      request: async () => ({ path: `/v1/policies/${await newPolicy()}` }),
      expect: { admin: 204, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 404 },
    },
    {
      route: 'PUT /v1/apps/:appId/policy',
      request: async () => ({ path: `/v1/apps/${await newApp()}/policy`, body: { policyId: await newPolicy() } }),
      expect: { admin: 200, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 404 },
    },
    // --- device overrides -----------------------------------------------------------------------------------
    {
      route: 'GET /v1/device-overrides',
      request: async () => ({ path: '/v1/device-overrides?limit=100', secret: await newOverride() }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 'hidden', otherTenant: 'hidden' },
    },
    {
      route: 'POST /v1/device-overrides',
      request: async () => ({
        path: '/v1/device-overrides',
        body: { deviceId: unique('device'), appId: await newApp(), verdict: 'pass', expireAfter: '1h' },
      }),
      // Another tenant's app in a body is unknown, as in a path: 400 `appId: no such app`.
      expect: { admin: 201, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 400 },
    },
    {
      route: 'GET /v1/device-overrides/:overrideId',
      request: async () => ({ path: `/v1/device-overrides/${await newOverride()}` }),
      expect: { admin: 200, ownDeveloper: 200, otherDeveloper: 404, otherTenant: 404 },
    },
    {
      route: 'DELETE /v1/device-overrides/:overrideId',
      request: async () => ({ path: `/v1/device-overrides/${await newOverride()}` }),
      expect: { admin: 204, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 404 },
    },
    // --- audit ----------------------------------------------------------------------------------------------
    {
      route: 'GET /v1/audit',
      request: async () => ({ path: '/v1/audit?limit=100', secret: await newTeam() }),
      expect: { admin: 200, ownDeveloper: 403, otherDeveloper: 403, otherTenant: 'hidden' },
    },
  ];

  beforeAll(async () => {
    reg = await RegistrationApp.start(env, schema, `it-${suffix}.`);
    keys.admin = (await reg.bootstrap(tenantA)).key;
    keys.otherTenant = (await reg.bootstrap(tenantB)).key;
    const own = await reg.teamWithDeveloper(keys.admin, 'Owners');
    const other = await reg.teamWithDeveloper(keys.admin, 'Others');
    ownTeam = own.teamId;
    keys.ownDeveloper = own.developerKey;
    keys.otherDeveloper = other.developerKey;
    apkApp = (
      await ok(
        reg.call('POST', '/v1/apps', {
          key: keys.admin,
          body: { name: 'Tiny', teamId: ownTeam, platform: 'android', packageName: 'android.appsecurity.cts.tinyapp' },
        }),
        'the APK app',
      )
    ).id as string;
  });

  afterAll(async () => {
    await reg.stop();
  });

  const callers: Caller[] = ['otherTenant', 'otherDeveloper', 'ownDeveloper', 'admin'];

  it.each(cases.map((c) => [c.route, c] as const))('%s', async (route, matrixCase) => {
    const method = route.split(' ')[0]!;
    const outcomes: string[] = [];
    for (const caller of callers) {
      const request = await matrixCase.request(caller);
      const response = await reg.call(method, request.path, {
        key: keys[caller],
        body: request.body,
        rawBody: request.rawBody,
        headers: request.headers,
      });
      const expected = matrixCase.expect[caller];
      if (expected === 'hidden') {
        const leaked = request.secret !== undefined && JSON.stringify(response.body).includes(request.secret);
        outcomes.push(`${caller}: ${response.status}${leaked ? ' (leaks the resource)' : ''}`);
      } else {
        outcomes.push(`${caller}: ${response.status}`);
      }
    }
    const wanted = callers.map((caller) => {
      const expected = matrixCase.expect[caller];
      return `${caller}: ${expected === 'hidden' ? 200 : expected}`;
    });
    expect(outcomes).toEqual(wanted);
  });

  it('covers every route the service serves under /v1', () => {
    const served = servedRoutes(reg.app).filter((route) => route.split(' ')[1]!.startsWith('/v1/'));
    expect(cases.map((c) => c.route).sort()).toEqual(served);
  });
});
