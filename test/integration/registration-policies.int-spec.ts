import { Topics, topicName } from '@tessera/contracts';
import { DEFAULT_POLICY_RULES, mergeRules, STRICT_POLICY_RULES } from '@tessera/policy';
import { eventually } from '../support/eventually';
import { RegistrationApp } from '../support/registration-app';
import { StateEvents } from '../support/state-events';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `reg_policies_${suffix}`;
const prefix = `it-${suffix}.`;
const tenant = `policies-${suffix}`;
const otherTenant = `policies-other-${suffix}`;

type Body = Record<string, unknown>;

describe('registration admin API: security policies and device overrides (real Postgres and Kafka)', () => {
  let reg: RegistrationApp;
  let events: StateEvents;
  let admin: string;
  let otherAdmin: string;
  let mobile: { teamId: string; developerKey: string };
  let web: { teamId: string; developerKey: string };
  let mobileApp: string;
  let webApp: string;

  /** What every refused request must leave as it was. */
  const written = () => reg.counts('policy', 'device_override', 'outbox_event', 'audit_event');

  const createApp = async (key: string, teamId: string, packageName: string): Promise<string> => {
    const created = await reg.call('POST', '/v1/apps', {
      key,
      body: { name: packageName, teamId, platform: 'android', packageName },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  const createPolicy = async (body: Body): Promise<Body> => {
    const created = await reg.call('POST', '/v1/policies', { key: admin, body });
    expect(created.status).toBe(201);
    return created.body;
  };

  const lastAudit = async (action: string): Promise<Body> => {
    const audit = await reg.call('GET', `/v1/audit?action=${action}&limit=1`, { key: admin });
    return (audit.body.items as Body[])[0]!;
  };

  beforeAll(async () => {
    reg = await RegistrationApp.start(env, schema, prefix, { EXPIRY_SWEEP_INTERVAL_MS: '200' });
    events = await StateEvents.start(env.kafkaBrokers, [
      topicName(Topics.registry, prefix),
      topicName(Topics.policies, prefix),
    ]);
    admin = (await reg.bootstrap(tenant)).key;
    otherAdmin = (await reg.bootstrap(otherTenant)).key;
    mobile = await reg.teamWithDeveloper(admin, 'Mobile');
    web = await reg.teamWithDeveloper(admin, 'Web');
    mobileApp = await createApp(admin, mobile.teamId, 'com.example.wallet');
    webApp = await createApp(admin, web.teamId, 'com.example.web');
  });

  afterAll(async () => {
    await events.stop();
    await reg.stop();
  });

  describe('policies', () => {
    it('serves the built-in presets to every role', async () => {
      const presets = await reg.call('GET', '/v1/policies/presets', { key: mobile.developerKey });
      expect(presets.status).toBe(200);
      expect(presets.body.items).toEqual([
        { name: 'default', description: expect.any(String) as unknown, rules: DEFAULT_POLICY_RULES },
        { name: 'strict', description: expect.any(String) as unknown, rules: STRICT_POLICY_RULES },
      ]);
    });

    it('creates a policy from a preset with a patch laid over it, publishes policy.upserted and audits it', async () => {
      const patch = { signals: { proxy: 'monitor' }, sdkVersions: '>=1.4.0 <3' } as const;
      const policy = await createPolicy({ name: 'Payments', preset: 'strict', rules: patch });
      const expected = mergeRules(STRICT_POLICY_RULES, patch);
      expect(policy).toMatchObject({ name: 'Payments', rules: expected });
      expect(expected.signals.proxy).toBe('monitor');
      const id = policy.id as string;

      const event = await events.waitFor(`${tenant}/policy/${id}`);
      expect(event.topic).toBe(topicName(Topics.policies, prefix));
      expect(event.envelope).toMatchObject({
        type: 'policy.upserted',
        data: { policyId: id, name: 'Payments', rules: expected },
      });
      expect(await lastAudit('policy.create')).toMatchObject({
        target: { kind: 'policy', id },
        before: null,
        after: { name: 'Payments', preset: 'strict', rules: expected },
      });
      expect((await reg.call('GET', `/v1/policies/${id}`, { key: mobile.developerKey })).body).toMatchObject({
        rules: expected,
      });
    });

    it('starts from the default preset when none is named', async () => {
      const policy = await createPolicy({ name: 'Plain' });
      expect(policy.rules).toEqual(DEFAULT_POLICY_RULES);
      // In the documented order, not jsonb's.
      const read = await reg.call('GET', `/v1/policies/${String(policy.id)}`, { key: admin });
      expect(Object.keys(read.body.rules as Body)).toEqual(Object.keys(DEFAULT_POLICY_RULES));
      const list = await reg.call('GET', '/v1/policies?limit=100', { key: mobile.developerKey });
      expect((list.body.items as Body[]).map((p) => p.name)).toEqual(expect.arrayContaining(['Plain', 'Payments']));
    });

    it('updates the rules, publishing the full rules and auditing only the rules that changed', async () => {
      const policy = await createPolicy({ name: 'Tunable' });
      const id = policy.id as string;
      const updated = await reg.call('PATCH', `/v1/policies/${id}`, {
        key: admin,
        body: { rules: { evidence: { playIntegrity: 'required' }, tokenLifetimeSeconds: 600 } },
      });
      const expected = mergeRules(DEFAULT_POLICY_RULES, {
        evidence: { playIntegrity: 'required' },
        tokenLifetimeSeconds: 600,
      });
      expect(updated).toMatchObject({ status: 200, body: { name: 'Tunable', rules: expected } });
      await events.waitFor(
        `${tenant}/policy/${id}`,
        (e) => e.envelope?.data.rules !== undefined && (e.envelope.data.rules as Body).tokenLifetimeSeconds === 600,
      );
      expect(await lastAudit('policy.update')).toMatchObject({
        target: { kind: 'policy', id },
        before: { name: 'Tunable', rules: { 'evidence.playIntegrity': 'optional', tokenLifetimeSeconds: 300 } },
        after: { name: 'Tunable', rules: { 'evidence.playIntegrity': 'required', tokenLifetimeSeconds: 600 } },
      });

      const before = await written();
      const unchanged = await reg.call('PATCH', `/v1/policies/${id}`, {
        key: admin,
        body: { name: 'Tunable', rules: { tokenLifetimeSeconds: 600 } },
      });
      expect(unchanged).toMatchObject({ status: 200, body: { rules: expected } });
      expect(await written()).toEqual(before);
    });

    it.each([
      [
        'an invalid signal action',
        { signals: { proxy: 'block' } },
        'rules.signals.proxy: Invalid option: expected one of "reject"|"monitor"|"allow"',
      ],
      ['an unknown rule', { signals: { jailbreak: 'reject' } }, 'rules.signals: unknown field(s) jailbreak'],
      ['an unknown group', { network: {} }, 'rules: unknown field(s) network'],
      [
        'a bad SDK version range',
        { sdkVersions: 'latest' },
        'rules.sdkVersions: not a semver range: expected a semver range of SDK versions such as ">=1.4.0 <3", "^2.1" or "*"',
      ],
      [
        'a token lifetime out of bounds',
        { tokenLifetimeSeconds: 5 },
        'rules.tokenLifetimeSeconds: Too small: expected number to be >=30',
      ],
      [
        'a security level of the wrong type',
        { minimumSecurityLevel: 3 },
        'rules.minimumSecurityLevel: Invalid option: expected one of "software"|"trusted-environment"|"strongbox"',
      ],
    ])('refuses %s with 400 naming the field, on create and update, writing nothing', async (_what, rules, problem) => {
      const existing = await createPolicy({ name: `Target ${String(problem.length)} ${uniqueSuffix()}` });
      const before = await written();
      const created = await reg.call('POST', '/v1/policies', { key: admin, body: { name: 'Refused', rules } });
      expect(created).toMatchObject({ status: 400, body: { message: 'invalid body' } });
      expect(created.body.errors).toEqual([problem]);
      const patched = await reg.call('PATCH', `/v1/policies/${String(existing.id)}`, { key: admin, body: { rules } });
      expect(patched).toMatchObject({ status: 400, body: { errors: [problem] } });
      expect(await written()).toEqual(before);
      const now = await reg.call('GET', `/v1/policies/${String(existing.id)}`, { key: admin });
      expect(now.body.rules).toEqual(DEFAULT_POLICY_RULES);
    });

    it('refuses an unknown preset and an empty change', async () => {
      const before = await written();
      const unknownPreset = await reg.call('POST', '/v1/policies', { key: admin, body: { name: 'x', preset: 'lax' } });
      expect(unknownPreset).toMatchObject({
        status: 400,
        body: { errors: ['preset: expected one of default, strict'] },
      });
      const policy = (await reg.call('GET', '/v1/policies?limit=1', { key: admin })).body.items as Body[];
      const empty = await reg.call('PATCH', `/v1/policies/${String(policy[0]!.id)}`, { key: admin, body: {} });
      expect(empty).toMatchObject({ status: 400, body: { errors: ['body: give name or rules'] } });
      expect(await written()).toEqual(before);
    });

    it('refuses a name in use with 409, on create and on rename, writing nothing', async () => {
      await createPolicy({ name: 'Taken' });
      const other = await createPolicy({ name: 'Free' });
      const before = await written();
      const created = await reg.call('POST', '/v1/policies', { key: admin, body: { name: 'Taken', preset: 'strict' } });
      expect(created).toMatchObject({ status: 409, body: { message: 'a policy named "Taken" exists' } });
      const renamed = await reg.call('PATCH', `/v1/policies/${String(other.id)}`, {
        key: admin,
        body: { name: 'Taken' },
      });
      expect(renamed).toMatchObject({ status: 409, body: { message: 'a policy named "Taken" exists' } });
      expect(await written()).toEqual(before);
      // Names are per tenant: another tenant may use the same one.
      expect((await reg.call('POST', '/v1/policies', { key: otherAdmin, body: { name: 'Taken' } })).status).toBe(201);
    });

    it('lets developers read policies but not write them or assign them (403, nothing written)', async () => {
      const policy = await createPolicy({ name: 'Read only' });
      const id = policy.id as string;
      const dev = mobile.developerKey;
      expect((await reg.call('GET', '/v1/policies', { key: dev })).status).toBe(200);
      expect((await reg.call('GET', `/v1/policies/${id}`, { key: dev })).status).toBe(200);
      const before = await written();
      for (const [method, path, body] of [
        ['POST', '/v1/policies', { name: 'Mine' }],
        ['PATCH', `/v1/policies/${id}`, { name: 'Mine' }],
        ['DELETE', `/v1/policies/${id}`, undefined],
        ['PUT', `/v1/apps/${mobileApp}/policy`, { policyId: id }],
      ] as const) {
        const response = await reg.call(method, path, { key: dev, body });
        expect(response).toMatchObject({
          status: 403,
          body: { message: 'the developer role may not do this (needs policy:write)' },
        });
      }
      expect(await written()).toEqual(before);
    });

    it('keeps policies within their tenant: another tenant’s is 404, and cannot be assigned', async () => {
      const foreign = await reg.call('POST', '/v1/policies', { key: otherAdmin, body: { name: 'Foreign' } });
      const id = foreign.body.id as string;
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { name: 'mine now' }],
        ['DELETE', undefined],
      ] as const) {
        const response = await reg.call(method, `/v1/policies/${id}`, { key: admin, body });
        expect(response).toMatchObject({ status: 404, body: { message: 'no such policy' } });
      }
      const list = await reg.call('GET', '/v1/policies?limit=100', { key: admin });
      expect((list.body.items as Body[]).map((p) => p.id)).not.toContain(id);
      const before = await written();
      const assigned = await reg.call('PUT', `/v1/apps/${mobileApp}/policy`, { key: admin, body: { policyId: id } });
      expect(assigned).toMatchObject({ status: 400, body: { message: 'policyId: no such policy' } });
      const foreignApp = await reg.call('PUT', `/v1/apps/${mobileApp}/policy`, {
        key: otherAdmin,
        body: { policyId: id },
      });
      expect(foreignApp).toMatchObject({ status: 404, body: { message: 'no such app' } });
      expect(await written()).toEqual(before);
    });

    it('assigns a policy to an app, republishes the app with it, and refuses deleting the policy while assigned', async () => {
      const policy = await createPolicy({ name: 'Assigned', preset: 'strict' });
      const id = policy.id as string;
      const assigned = await reg.call('PUT', `/v1/apps/${mobileApp}/policy`, { key: admin, body: { policyId: id } });
      expect(assigned).toMatchObject({ status: 200, body: { id: mobileApp, policyId: id } });
      const event = await events.waitFor(`${tenant}/app/${mobileApp}`, (e) => e.envelope?.data.policyId === id);
      expect(event.envelope).toMatchObject({ type: 'app.upserted', data: { appId: mobileApp, teamId: mobile.teamId } });
      expect(await lastAudit('app.assign-policy')).toMatchObject({
        target: { kind: 'app', id: mobileApp },
        before: { policyId: null },
        after: { policyId: id },
      });
      expect((await reg.call('GET', `/v1/apps/${mobileApp}`, { key: mobile.developerKey })).body.policyId).toBe(id);

      const unchanged = await written();
      const again = await reg.call('PUT', `/v1/apps/${mobileApp}/policy`, { key: admin, body: { policyId: id } });
      expect(again).toMatchObject({ status: 200, body: { policyId: id } });
      expect(await written()).toEqual(unchanged);

      const refused = await reg.call('DELETE', `/v1/policies/${id}`, { key: admin });
      expect(refused).toMatchObject({
        status: 409,
        body: { message: 'the policy is assigned to apps: assign them another first' },
      });
      expect(await written()).toEqual(unchanged);

      const unassigned = await reg.call('PUT', `/v1/apps/${mobileApp}/policy`, {
        key: admin,
        body: { policyId: null },
      });
      expect(unassigned).toMatchObject({ status: 200, body: { policyId: null } });
      await events.waitFor(
        `${tenant}/app/${mobileApp}`,
        (e) => e.envelope !== null && e.envelope.data.policyId === null,
      );
      expect((await reg.call('DELETE', `/v1/policies/${id}`, { key: admin })).status).toBe(204);
      await events.waitForTombstone(`${tenant}/policy/${id}`);
      expect((await reg.call('GET', `/v1/policies/${id}`, { key: admin })).status).toBe(404);
      expect(await lastAudit('policy.delete')).toMatchObject({
        target: { kind: 'policy', id },
        before: { name: 'Assigned', rules: STRICT_POLICY_RULES },
        after: null,
      });
    });

    it.each([
      [{}, 'policyId: expected a policy id (UUID), or null for the built-in default'],
      [{ policyId: 'strict' }, 'policyId: expected a policy id (UUID), or null for the built-in default'],
      [{ policyId: null, name: 'x' }, 'body: unknown field(s) name'],
    ])('answers an assignment %j with 400 naming the problem', async (body, problem) => {
      const before = await written();
      const response = await reg.call('PUT', `/v1/apps/${mobileApp}/policy`, { key: admin, body });
      expect(response).toMatchObject({ status: 400, body: { errors: [problem] } });
      expect(await written()).toEqual(before);
    });
  });

  describe('device overrides', () => {
    it('creates tenant-wide and per-app overrides with events and audit entries, and lists them with filters', async () => {
      const everywhere = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'tester-pixel-7', verdict: 'pass', reason: 'QA device (TICKET-12)' },
      });
      expect(everywhere).toMatchObject({
        status: 201,
        body: { deviceId: 'tester-pixel-7', appId: null, verdict: 'pass', status: 'active', expiresAt: null },
      });
      const blocked = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'stolen-42', appId: mobileApp, verdict: 'fail', expireAfter: '7d' },
      });
      expect(blocked).toMatchObject({ status: 201, body: { appId: mobileApp, verdict: 'fail', reason: null } });
      const expiresAt = new Date(blocked.body.expiresAt as string).getTime();
      expect(expiresAt).toBeGreaterThan(Date.now() + 7 * 86_400_000 - 60_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000);

      const id = blocked.body.id as string;
      const event = await events.waitFor(`${tenant}/device-override/${id}`);
      expect(event.topic).toBe(topicName(Topics.policies, prefix));
      expect(event.envelope).toMatchObject({
        type: 'device-override.upserted',
        data: {
          overrideId: id,
          deviceId: 'stolen-42',
          appId: mobileApp,
          verdict: 'fail',
          reason: null,
          expiresAt: blocked.body.expiresAt,
        },
      });
      await events.waitFor(`${tenant}/device-override/${String(everywhere.body.id)}`);
      expect(await lastAudit('device-override.create')).toMatchObject({
        target: { kind: 'device-override', id },
        after: { deviceId: 'stolen-42', appId: mobileApp, verdict: 'fail' },
      });

      const byDevice = await reg.call('GET', '/v1/device-overrides?deviceId=stolen-42', { key: admin });
      expect((byDevice.body.items as Body[]).map((o) => o.id)).toEqual([id]);
      const byApp = await reg.call('GET', `/v1/device-overrides?appId=${mobileApp}`, { key: admin });
      expect((byApp.body.items as Body[]).map((o) => o.id)).toEqual([id]);
      const all = await reg.call('GET', '/v1/device-overrides?status=all', { key: admin });
      expect((all.body.items as Body[]).map((o) => o.id)).toEqual(
        expect.arrayContaining([id, everywhere.body.id as string]),
      );
      const one = await reg.call('GET', `/v1/device-overrides/${id}`, { key: mobile.developerKey });
      expect(one).toMatchObject({ status: 200, body: { id, deviceId: 'stolen-42' } });
    });

    it('refuses a second override in force for the same device and app with 409 naming the first', async () => {
      const first = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'double', appId: mobileApp, verdict: 'pass' },
      });
      const before = await written();
      const second = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'double', appId: mobileApp, verdict: 'fail' },
      });
      expect(second).toMatchObject({
        status: 409,
        body: {
          message: `the device already has an override in force for this app (${String(first.body.id)}): delete it first`,
          overrideId: first.body.id,
        },
      });
      expect(await written()).toEqual(before);
      // Another app, or every app, is another override.
      const tenantWide = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'double', verdict: 'fail' },
      });
      expect(tenantWide.status).toBe(201);
    });

    it('deletes an override with a tombstone and an audit entry', async () => {
      const created = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'short-lived', verdict: 'pass' },
      });
      const id = created.body.id as string;
      await events.waitFor(`${tenant}/device-override/${id}`);
      expect((await reg.call('DELETE', `/v1/device-overrides/${id}`, { key: admin })).status).toBe(204);
      await events.waitForTombstone(`${tenant}/device-override/${id}`);
      expect((await reg.call('GET', `/v1/device-overrides/${id}`, { key: admin })).status).toBe(404);
      expect(await lastAudit('device-override.delete')).toMatchObject({
        target: { kind: 'device-override', id },
        before: { deviceId: 'short-lived', verdict: 'pass' },
        after: null,
      });
      // The device is free for a new override at once.
      const again = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'short-lived', verdict: 'fail' },
      });
      expect(again.status).toBe(201);
    });

    it('ends an override when it expires, with a tombstone and an audit entry, without any request', async () => {
      const created = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'expiring', appId: mobileApp, verdict: 'pass', expireAfter: '1s' },
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const key = `${tenant}/device-override/${id}`;
      expect((await events.waitFor(key)).envelope).toMatchObject({ data: { expiresAt: created.body.expiresAt } });
      await events.waitForTombstone(key);
      expect(await lastAudit('device-override.expire')).toMatchObject({
        actor: { keyId: null, teamId: null },
        target: { kind: 'device-override', id },
        before: { deviceId: 'expiring', appId: mobileApp, verdict: 'pass' },
        after: null,
      });
      const expired = await reg.call('GET', '/v1/device-overrides?status=expired&deviceId=expiring', { key: admin });
      expect(expired.body.items).toEqual([expect.objectContaining({ id, status: 'expired' })]);
      const active = await reg.call('GET', '/v1/device-overrides?deviceId=expiring', { key: admin });
      expect(active.body.items).toEqual([]);
      // An expired override no longer blocks a new one for the same device and app.
      const renewed = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'expiring', appId: mobileApp, verdict: 'pass', expireAfter: '1h' },
      });
      expect(renewed.status).toBe(201);
      expect((await reg.call('DELETE', `/v1/device-overrides/${id}`, { key: admin })).status).toBe(204);
    });

    it('shows developers tenant-wide overrides and their own team’s, and lets only admins write', async () => {
      const tenantWide = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'everyone-sees-this', verdict: 'fail' },
      });
      const webOverride = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'web-tester', appId: webApp, verdict: 'pass' },
      });
      const id = webOverride.body.id as string;
      const seen = await reg.call('GET', '/v1/device-overrides?status=all&limit=100', { key: mobile.developerKey });
      const items = seen.body.items as Body[];
      expect(items.map((o) => o.id)).toContain(tenantWide.body.id);
      expect(items.every((o) => o.appId === null || o.appId === mobileApp)).toBe(true);
      expect((await reg.call('GET', `/v1/device-overrides/${id}`, { key: mobile.developerKey })).status).toBe(404);
      expect((await reg.call('GET', `/v1/device-overrides/${id}`, { key: web.developerKey })).status).toBe(200);

      const before = await written();
      const created = await reg.call('POST', '/v1/device-overrides', {
        key: mobile.developerKey,
        body: { deviceId: 'mine', appId: mobileApp, verdict: 'pass' },
      });
      expect(created.status).toBe(403);
      expect((await reg.call('DELETE', `/v1/device-overrides/${id}`, { key: web.developerKey })).status).toBe(403);
      expect((await reg.call('GET', `/v1/device-overrides/${id}`, { key: otherAdmin })).status).toBe(404);
      expect((await reg.call('DELETE', `/v1/device-overrides/${id}`, { key: otherAdmin })).status).toBe(404);
      const foreignList = await reg.call('GET', '/v1/device-overrides?status=all&limit=100', { key: otherAdmin });
      expect(foreignList).toMatchObject({ status: 200, body: { items: [] } });
      expect(await written()).toEqual(before);
    });

    it('refuses deleting an app that still has device overrides (409), writing nothing', async () => {
      const app = await createApp(admin, web.teamId, 'com.example.overridden');
      await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'pinned-to-app', appId: app, verdict: 'fail' },
      });
      const before = await written();
      const refused = await reg.call('DELETE', `/v1/apps/${app}`, { key: admin });
      expect(refused).toMatchObject({
        status: 409,
        body: { message: 'the app still has registrations, secure strings or device overrides: remove them first' },
      });
      expect(await written()).toEqual(before);
    });

    it.each([
      [
        'a device id with a control character',
        { deviceId: 'bad\nid', verdict: 'pass' },
        'deviceId: expected a device id: printable ASCII characters, no leading or trailing space',
      ],
      [
        'an empty device id',
        { deviceId: '', verdict: 'pass' },
        expect.stringMatching(/^deviceId: expected a device id/),
      ],
      ['a device id too long', { deviceId: 'x'.repeat(257), verdict: 'pass' }, 'deviceId: at most 256 characters'],
      ['an unknown verdict', { deviceId: 'd', verdict: 'allow' }, 'verdict: expected one of pass, fail'],
      [
        'a bad duration',
        { deviceId: 'd', verdict: 'pass', expireAfter: '10 minutes' },
        'expireAfter: expected a whole number and a unit (s, m, h, d), such as 600s, 30m, 12h or 7d',
      ],
      [
        'a duration too long',
        { deviceId: 'd', verdict: 'pass', expireAfter: '4000d' },
        'expireAfter: must be at most 10 years (3650d)',
      ],
      [
        'both expireAfter and expiresAt',
        { deviceId: 'd', verdict: 'pass', expireAfter: '1h', expiresAt: '2099-01-01T00:00:00Z' },
        'expiresAt: give expireAfter or expiresAt, not both',
      ],
      [
        'an expiry in the past',
        { deviceId: 'd', verdict: 'pass', expiresAt: '2001-01-01T00:00:00Z' },
        'expiresAt: must be in the future',
      ],
      ['an unknown field', { deviceId: 'd', verdict: 'pass', ttl: 5 }, 'body: unknown field(s) ttl'],
    ])('answers %s with 400 naming the problem, writing nothing', async (_what, body, problem) => {
      const before = await written();
      const response = await reg.call('POST', '/v1/device-overrides', { key: admin, body });
      expect(response).toMatchObject({ status: 400, body: { message: 'invalid body' } });
      expect(response.body.errors).toContainEqual(problem);
      expect(await written()).toEqual(before);
    });

    it('refuses an app the caller cannot see, bad filters and bad ids with 400', async () => {
      const before = await written();
      const foreignApp = await reg.call('POST', '/v1/apps', {
        key: otherAdmin,
        body: {
          name: 'x',
          teamId: (await reg.teamWithDeveloper(otherAdmin, 'Other')).teamId,
          platform: 'android',
          packageName: 'com.other.app',
        },
      });
      const afterSetup = await written();
      expect(afterSetup.outbox_event).toBeGreaterThan(before.outbox_event);
      const response = await reg.call('POST', '/v1/device-overrides', {
        key: admin,
        body: { deviceId: 'd', appId: foreignApp.body.id, verdict: 'pass' },
      });
      expect(response).toMatchObject({ status: 400, body: { message: 'appId: no such app' } });
      for (const [path, problem] of [
        ['/v1/device-overrides?status=gone', 'status: expected one of active, expired, all'],
        ['/v1/device-overrides?appId=wallet', 'appId: expected an app id (UUID)'],
        [
          '/v1/device-overrides?deviceId=%0A',
          'deviceId: expected a device id: printable ASCII characters, no leading or trailing space',
        ],
        ['/v1/device-overrides?limit=0', 'limit: expected an integer between 1 and 100'],
        ['/v1/policies?cursor=zzz', 'cursor: expected a cursor from nextCursor'],
        ['/v1/policies/not-a-uuid', 'expected a policy id (UUID)'],
        ['/v1/device-overrides/not-a-uuid', 'expected a device override id (UUID)'],
      ]) {
        const response = await reg.call('GET', path!, { key: admin });
        expect({ path, status: response.status, errors: response.body.errors }).toEqual({
          path,
          status: 400,
          errors: [expect.stringContaining(problem!) as unknown],
        });
      }
      expect(await written()).toEqual(afterSetup);
    });
  });
});

describe('registration admin API: an expired override not yet swept (real Postgres and Kafka)', () => {
  const slowSuffix = uniqueSuffix();
  const slowTenant = `overrides-${slowSuffix}`;
  const slowPrefix = `it-${slowSuffix}.`;
  let reg: RegistrationApp;
  let events: StateEvents;
  let admin: string;

  beforeAll(async () => {
    // The sweeper stays out of the way: the request that finds the expired override has to end it itself.
    reg = await RegistrationApp.start(env, `reg_overrides_${slowSuffix}`, slowPrefix, {
      EXPIRY_SWEEP_INTERVAL_MS: '3600000',
    });
    events = await StateEvents.start(env.kafkaBrokers, [topicName(Topics.policies, slowPrefix)]);
    admin = (await reg.bootstrap(slowTenant)).key;
  });

  afterAll(async () => {
    await events.stop();
    await reg.stop();
  });

  it('is ended (tombstone, audit entry) by the request that creates the next override for the device', async () => {
    const body = { deviceId: 'renewed', verdict: 'pass', expireAfter: '1s' };
    const first = await reg.call('POST', '/v1/device-overrides', { key: admin, body });
    expect(first.status).toBe(201);
    const id = first.body.id as string;
    await eventually(async () => {
      const got = await reg.call('GET', `/v1/device-overrides/${id}`, { key: admin });
      return got.body.status === 'expired';
    }, 'the override to expire');
    const expireEntries = await reg.call('GET', '/v1/audit?action=device-override.expire', { key: admin });
    expect(expireEntries.body.items).toEqual([]);

    const second = await reg.call('POST', '/v1/device-overrides', { key: admin, body: { ...body, expireAfter: '1h' } });
    expect(second.status).toBe(201);
    await events.waitForTombstone(`${slowTenant}/device-override/${id}`);
    await events.waitFor(`${slowTenant}/device-override/${String(second.body.id)}`);
    const audit = await reg.call('GET', '/v1/audit?action=device-override.expire', { key: admin });
    expect(audit.body.items).toEqual([
      expect.objectContaining({ actor: { keyId: null, teamId: null }, target: { kind: 'device-override', id } }),
    ]);
    const listed = await reg.call('GET', '/v1/device-overrides?deviceId=renewed&status=all', { key: admin });
    expect(Object.fromEntries((listed.body.items as Body[]).map((o) => [o.id, o.status]))).toEqual({
      [id]: 'expired',
      [second.body.id as string]: 'active',
    });
  });
});
