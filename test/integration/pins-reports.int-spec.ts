import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { MAX_PIN_VIOLATION_REPORT_LENGTH, PinViolationReportedV1, Topics, topicName } from '@tessera/contracts';
import { PinsView } from '@tessera/pins';
import { PinViolationReporter } from '@tessera/sdk';
import { makeTestChain, type TestChain } from '../../libs/pins/src/testing/test-chain';
import { eventually } from '../support/eventually';
import { PinViolationReports } from '../../apps/pins/src/reports/pin-violation-reports';
import { PinsApp } from '../support/pins-app';
import { RegistrationApp } from '../support/registration-app';
import { StateEvents } from '../support/state-events';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const pin = (seed: string) => createHash('sha256').update(seed).digest('base64');
const pinOf = (pem: string) =>
  createHash('sha256')
    .update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
const derBase64 = (pem: string) => new X509Certificate(pem).raw.toString('base64');
const PER_APP_LIMIT = 3;

describe('the pins service: pin-violation reports (real Kafka and Postgres)', () => {
  const suffix = uniqueSuffix();
  const prefix = `pr${suffix}.`;
  const tenant = `prep-${suffix}`;
  let registration: RegistrationApp;
  let pins: PinsApp;
  let events: StateEvents;
  let admin: string;
  let developer: string;
  let mitm: TestChain;
  const protectedApp = randomUUID();
  const expectedPins = [pin('leaf key'), pin('backup key')];

  const reportFor = (appId: string, overrides: Record<string, unknown> = {}) => ({
    tenant,
    appId,
    installationId: 'I'.repeat(43),
    sdkVersion: '1.0.0',
    hostname: 'api.example.com',
    port: 443,
    pattern: 'api.example.com',
    expectedPins,
    servedPins: [pinOf(mitm.leaf.pem), pinOf(mitm.intermediate.pem)],
    servedChain: [mitm.leaf.pem, derBase64(mitm.intermediate.pem)],
    configVersion: 1,
    occurredAt: new Date().toISOString(),
    ...overrides,
  });
  const reportsOf = async (appId: string) => {
    const listed = await pins.call('GET', `/v1/pin-reports?appId=${appId}`, { key: developer });
    expect(listed.status).toBe(200);
    return listed.body.items as Record<string, unknown>[];
  };

  /** The count of the tenant's violations under one pattern label, from the service's /metrics. */
  const violationsCounted = async (pattern: string) => {
    const metrics = await (await fetch(`${pins.url}/metrics`)).text();
    const line = metrics
      .split('\n')
      .find(
        (l) =>
          l.startsWith('tessera_pin_violations_total{') &&
          l.includes(`tenant="${tenant}"`) &&
          l.includes(`pattern="${pattern}"`),
      );
    return Number(line?.split(' ').at(-1) ?? 0);
  };

  beforeAll(async () => {
    mitm = await makeTestChain(['api.example.com'], 'Intercepting Proxy');
    registration = await RegistrationApp.start(env, `prreg_${suffix}`, prefix);
    pins = await PinsApp.start(env, `prpin_${suffix}`, prefix, {
      PINS_REPORT_RATE_LIMIT_PER_APP: String(PER_APP_LIMIT),
    });
    events = await StateEvents.start(env.kafkaBrokers, [topicName(Topics.pinViolations, prefix)]);
    admin = (await registration.bootstrap(tenant)).key;
    developer = (await registration.teamWithDeveloper(admin, 'Mobile')).developerKey;
    await eventually(async () => (await pins.call('GET', '/v1/domains', { key: admin })).status === 200, 'the keys');
    const domain = await pins.call('POST', '/v1/domains', {
      key: admin,
      body: {
        pattern: 'api.example.com',
        pins: [{ pin: expectedPins[0] }, { pin: expectedPins[1], source: 'backup' }],
      },
    });
    expect(domain.status).toBe(201);
    // The metric's pattern label comes from the node's view of the protected domains.
    const view = pins.app.get(PinsView);
    await eventually(
      () => Promise.resolve(view.contentFor(tenant, protectedApp).domains.length === 1),
      'the domain in the view',
    );
    // The tenant reaches the pins service's known_tenant from the registry topic.
    await eventually(
      async () => (await pins.call('POST', '/v1/pins/report', { body: reportFor(randomUUID()) })).status === 202,
      'the tenant',
    );
  });

  afterAll(async () => {
    await events.stop();
    await pins.stop();
    await registration.stop();
  });

  it('stores a report (202), keeps the chain as pins and names, publishes pin-violation.reported and counts it', async () => {
    const before = await violationsCounted('api.example.com');
    // A token that does not verify is no reason to refuse: the identity is only claimed.
    const answer = await pins.call('POST', '/v1/pins/report', {
      body: reportFor(protectedApp),
      headers: { 'tessera-token': 'not.a.token' },
    });
    expect(answer.status).toBe(202);
    const reportId = answer.body.reportId as string;
    const [stored] = await reportsOf(protectedApp);
    expect(stored).toMatchObject({
      reportId,
      appId: protectedApp,
      identity: 'claimed',
      installationId: 'I'.repeat(43),
      deviceId: null,
      hostname: 'api.example.com',
      pattern: 'api.example.com',
      expectedPins,
      configVersion: 1,
    });
    const chain = stored!.servedChain as { pin: string; certificate: { subject: string; issuer: string } }[];
    expect(chain.map((c) => [c.pin, c.certificate.subject, c.certificate.issuer])).toEqual([
      [pinOf(mitm.leaf.pem), 'CN=api.example.com', 'CN=Intercepting Proxy Issuing CA'],
      [pinOf(mitm.intermediate.pem), 'CN=Intercepting Proxy Issuing CA', 'CN=Intercepting Proxy Root CA'],
    ]);
    const event = await events.waitFor(`${tenant}/${protectedApp}`, (e) => e.envelope?.data.reportId === reportId);
    expect(event.envelope).toMatchObject({ type: PinViolationReportedV1.type, tenant, data: stored });
    expect(await violationsCounted('api.example.com')).toBe(before + 1);
  });

  it('forgets reports older than the retention, and keeps the others', async () => {
    const oldApp = randomUUID();
    const recentApp = randomUUID();
    for (const app of [oldApp, recentApp]) {
      expect((await pins.call('POST', '/v1/pins/report', { body: reportFor(app) })).status).toBe(202);
    }
    const table = `"${pins.schema}".pin_violation`;
    await pins.dataSource.query(`UPDATE ${table} SET received_at = now() - interval '91 days' WHERE app_id = $1`, [
      oldApp,
    ]);
    expect(await pins.app.get(PinViolationReports).purgeOlderThan(90)).toBe(1);
    const left = await pins.dataSource.query<{ app_id: string }[]>(
      `SELECT app_id FROM ${table} WHERE app_id = ANY($1)`,
      [[oldApp, recentApp]],
    );
    expect(left.map((row) => row.app_id)).toEqual([recentApp]);
  });

  it('counts a pattern that is none of the app protected domains as unprotected (bounded labels)', async () => {
    const before = await violationsCounted('unprotected');
    const answer = await pins.call('POST', '/v1/pins/report', {
      body: reportFor(protectedApp, { hostname: 'made-up.example.net', pattern: 'made-up.example.net' }),
    });
    expect(answer.status).toBe(202);
    expect(await violationsCounted('unprotected')).toBe(before + 1);
    expect(await (await fetch(`${pins.url}/metrics`)).text()).not.toContain('made-up.example.net');
  });

  it('answers the admin API newest first, a page at a time, filtered by domain and since', async () => {
    const appId = randomUUID();
    const ids: string[] = [];
    for (const hostname of ['a.example.com', 'b.example.com', 'c.example.com']) {
      const answer = await pins.call('POST', '/v1/pins/report', { body: reportFor(appId, { hostname }) });
      expect(answer.status).toBe(202);
      ids.push(answer.body.reportId as string);
    }
    const first = await pins.call('GET', `/v1/pin-reports?appId=${appId}&limit=2`, { key: developer });
    expect((first.body.items as { reportId: string }[]).map((r) => r.reportId)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await pins.call(
      'GET',
      `/v1/pin-reports?appId=${appId}&limit=2&cursor=${first.body.nextCursor as string}`,
      { key: developer },
    );
    expect((second.body.items as { reportId: string }[]).map((r) => r.reportId)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
    const byHost = await pins.call('GET', `/v1/pin-reports?appId=${appId}&domain=b.example.com`, { key: developer });
    expect((byHost.body.items as { reportId: string }[]).map((r) => r.reportId)).toEqual([ids[1]]);
    const future = new Date(Date.now() + 60_000).toISOString();
    const since = await pins.call('GET', `/v1/pin-reports?appId=${appId}&since=${encodeURIComponent(future)}`, {
      key: developer,
    });
    expect(since.body.items).toEqual([]);
  });

  it.each([
    ['no key', '/v1/pin-reports', undefined, 401],
    ['a bad cursor', '/v1/pin-reports?cursor=bm90LWEtY3Vyc29y', 'developer', 400],
    ['a limit over 200', '/v1/pin-reports?limit=500', 'developer', 400],
    ['an app id that is not a UUID', '/v1/pin-reports?appId=nope', 'developer', 400],
  ] as const)('refuses an admin query with %s', async (_what, path, who, status) => {
    const answer = await pins.call('GET', path, who ? { key: developer } : {});
    expect(answer.status).toBe(status);
  });

  it.each([
    ['an unknown member', { trustMe: true }, /unknown field\(s\) trustMe/],
    ['eleven certificates', { servedChain: Array.from({ length: 11 }, () => 'AAAA') }, /^servedChain:/],
    ['a host name with a wildcard', { hostname: '*.example.com' }, /^hostname:/],
    ['no expected pin', { expectedPins: [] }, /^expectedPins:/],
  ])('refuses a report with %s: 400, invalid-report, naming the problem', async (_what, overrides, problem) => {
    const answer = await pins.call('POST', '/v1/pins/report', { body: reportFor(randomUUID(), overrides) });
    expect(answer).toMatchObject({ status: 400, body: { reason: 'invalid-report' } });
    expect(answer.body.errors as string[]).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it('refuses a certificate that is base64 but not X.509 (400 invalid-certificate), storing nothing', async () => {
    const appId = randomUUID();
    const answer = await pins.call('POST', '/v1/pins/report', {
      body: reportFor(appId, { servedChain: [mitm.leaf.pem, 'AAAA'] }),
    });
    expect(answer).toMatchObject({ status: 400, body: { reason: 'invalid-certificate' } });
    expect(answer.body.message).toMatch(/servedChain\.1/);
    expect(await reportsOf(appId)).toEqual([]);
  });

  it('refuses what is not JSON (415), malformed JSON (400) and a body over the contract limit (413)', async () => {
    await expect(
      pins.call('POST', '/v1/pins/report', {
        rawBody: 'hostname=api.example.com',
        headers: { 'content-type': 'text/plain' },
      }),
    ).resolves.toMatchObject({ status: 415, body: { reason: 'not-json' } });
    await expect(pins.call('POST', '/v1/pins/report', { rawBody: '{"tenant":' })).resolves.toMatchObject({
      status: 400,
      body: { reason: 'malformed-json' },
    });
    const oversized = JSON.stringify({
      ...reportFor(randomUUID()),
      padding: 'x'.repeat(MAX_PIN_VIOLATION_REPORT_LENGTH),
    });
    await expect(pins.call('POST', '/v1/pins/report', { rawBody: oversized })).resolves.toMatchObject({
      status: 413,
      body: { reason: 'body-too-large' },
    });
  });

  it('answers a report for an unknown tenant with 404 unknown-tenant', async () => {
    const answer = await pins.call('POST', '/v1/pins/report', {
      body: { ...reportFor(randomUUID()), tenant: `nobody-${suffix}` },
    });
    expect(answer).toMatchObject({ status: 404, body: { reason: 'unknown-tenant' } });
  });

  it('limits reports per app: 429 rate-limited with Retry-After, other apps unaffected', async () => {
    const appId = randomUUID();
    for (let i = 0; i < PER_APP_LIMIT; i++) {
      expect((await pins.call('POST', '/v1/pins/report', { body: reportFor(appId) })).status).toBe(202);
    }
    const refused = await fetch(`${pins.url}/v1/pins/report`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(reportFor(appId)),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ reason: 'rate-limited' });
    expect(await reportsOf(appId)).toHaveLength(PER_APP_LIMIT);
    expect((await pins.call('POST', '/v1/pins/report', { body: reportFor(randomUUID()) })).status).toBe(202);
  });

  it("takes a report from the SDK's PinViolationReporter", async () => {
    const appId = randomUUID();
    const reporter = new PinViolationReporter({
      pinsBaseUrl: pins.url,
      tenant,
      appId,
      installationId: () => Promise.resolve('S'.repeat(43)),
    });
    expect(
      reporter.report({
        host: 'api.example.com',
        port: 8443,
        pattern: 'api.example.com',
        expectedPins,
        servedPins: [pinOf(mitm.leaf.pem), pinOf(mitm.intermediate.pem)],
        servedChain: [derBase64(mitm.leaf.pem), derBase64(mitm.intermediate.pem)],
        configVersion: 4,
      }),
    ).toBe(true);
    await reporter.idle();
    expect(reporter.stats).toEqual({ sent: 1, dropped: 0, failed: 0 });
    const [stored] = await reportsOf(appId);
    expect(stored).toMatchObject({ installationId: 'S'.repeat(43), port: 8443, configVersion: 4, identity: 'claimed' });
    expect((stored!.servedChain as { pin: string }[]).map((c) => c.pin)).toEqual([
      pinOf(mitm.leaf.pem),
      pinOf(mitm.intermediate.pem),
    ]);
    await events.waitFor(`${tenant}/${appId}`);
  });
});
