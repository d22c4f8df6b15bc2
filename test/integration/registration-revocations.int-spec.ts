import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Topics, topicName } from '@tessera/contracts';
import { RegistrationApp } from '../support/registration-app';
import { StateEvents } from '../support/state-events';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `reg_revoke_${suffix}`;
const prefix = `it-${suffix}.`;
const tenant = `revoke-${suffix}`;
const otherTenant = `revoke-other-${suffix}`;

type Body = Record<string, unknown>;

/** An installation id as the SDK makes it: the RFC 7638 thumbprint (SHA-256, base64url) of its key. */
const installationId = () => createHash('sha256').update(randomBytes(32)).digest('base64url');
const deviceId = () => `android-${randomBytes(8).toString('hex')}`;

describe('registration admin API: revocations (real Postgres and Kafka)', () => {
  let reg: RegistrationApp;
  let events: StateEvents;
  let admin: string;
  let otherAdmin: string;
  let developer: string;

  const counts = () => reg.counts('revocation', 'outbox_event', 'audit_event');
  const revoke = (body: unknown, key = admin) => reg.call('POST', '/v1/revocations', { key, body });

  beforeAll(async () => {
    // A fast sweeper, so expiry shows up without anyone acting.
    reg = await RegistrationApp.start(env, schema, prefix, { EXPIRY_SWEEP_INTERVAL_MS: '200' });
    events = await StateEvents.start(env.kafkaBrokers, [topicName(Topics.revocations, prefix)]);
    admin = (await reg.bootstrap(tenant)).key;
    otherAdmin = (await reg.bootstrap(otherTenant)).key;
    developer = (await reg.teamWithDeveloper(admin, 'Mobile')).developerKey;
  });

  afterAll(async () => {
    await events.stop();
    await reg.stop();
  });

  it('revokes a device, publishes revocation.upserted on the revocations topic and audits it', async () => {
    const device = deviceId();
    const created = await revoke({ subject: { kind: 'device', value: device }, reason: 'lost phone' });
    expect(created).toMatchObject({
      status: 201,
      body: {
        subject: { kind: 'device', value: device },
        reason: 'lost phone',
        expiresAt: null,
        status: 'active',
      },
    });
    const id = created.body.id as string;
    const event = await events.waitFor(`${tenant}/revocation/${id}`);
    expect(event.envelope).toMatchObject({
      type: 'revocation.upserted',
      version: 1,
      tenant,
      data: {
        revocationId: id,
        subject: { kind: 'device', value: device },
        reason: 'lost phone',
        createdAt: created.body.createdAt,
        expiresAt: null,
      },
    });
    const audit = await reg.call('GET', '/v1/audit?action=revocation.create&limit=1', { key: admin });
    expect((audit.body.items as Body[])[0]).toMatchObject({
      target: { kind: 'revocation', id },
      before: null,
      after: { subject: { kind: 'device', value: device }, reason: 'lost phone', expiresAt: null },
    });
    expect(await reg.call('GET', `/v1/revocations/${id}`, { key: developer })).toMatchObject({
      status: 200,
      body: { id, subject: { kind: 'device', value: device } },
    });
  });

  /** A registration of this tenant, made through the API. */
  const newRegistration = async (): Promise<string> => {
    const team = await reg.call('GET', '/v1/teams', { key: admin });
    const teamId = (team.body.items as Body[])[0]!.id as string;
    const app = await reg.call('POST', '/v1/apps', {
      key: admin,
      body: {
        name: 'Revoked',
        teamId,
        platform: 'android',
        packageName: `com.example.r${randomBytes(4).toString('hex')}`,
      },
    });
    const registration = await reg.call('POST', '/v1/registrations', {
      key: admin,
      body: { appId: app.body.id, versionCode: 3, signingCertificateSha256: ['cd'.repeat(32)] },
    });
    return registration.body.id as string;
  };

  it('revokes an installation, a registration and a token, each checked for its kind', async () => {
    const registration = await newRegistration();
    for (const [subject, stored] of [
      [{ kind: 'installation', value: installationId() }, undefined],
      // Registration ids compare in lower case.
      [{ kind: 'registration', value: registration.toUpperCase() }, registration],
      [{ kind: 'token', value: randomBytes(16).toString('base64url') }, undefined],
      [{ kind: 'token', value: randomUUID() }, undefined],
    ] as const) {
      const created = await revoke({ subject, expireAfter: '7d' });
      expect(created).toMatchObject({
        status: 201,
        body: { subject: { kind: subject.kind, value: stored ?? subject.value } },
      });
      const expiresAt = new Date(created.body.expiresAt as string).getTime();
      expect(expiresAt - new Date(created.body.createdAt as string).getTime()).toBeGreaterThan(6 * 86_400_000);
      await events.waitFor(`${tenant}/revocation/${String(created.body.id)}`);
    }
  });

  it('answers revoking a subject that is already revoked with 409 and the revocation in force, writing nothing', async () => {
    const device = deviceId();
    const first = await revoke({ subject: { kind: 'device', value: device } });
    const before = await counts();
    const again = await revoke({ subject: { kind: 'device', value: device }, reason: 'again' });
    expect(again).toMatchObject({
      status: 409,
      body: { message: 'this device is already revoked', revocationId: first.body.id },
    });
    expect(await counts()).toEqual(before);
    // The same value of another kind is another subject.
    expect((await revoke({ subject: { kind: 'token', value: device.replace(/[^A-Za-z0-9_-]/g, '') } })).status).toBe(
      201,
    );
  });

  it('lifts a revocation: 204, a tombstone, an audit entry; then it is gone and the subject can be revoked again', async () => {
    const device = deviceId();
    const created = await revoke({ subject: { kind: 'device', value: device }, reason: 'test' });
    const id = created.body.id as string;
    await events.waitFor(`${tenant}/revocation/${id}`);
    expect((await reg.call('DELETE', `/v1/revocations/${id}`, { key: admin })).status).toBe(204);
    await events.waitForTombstone(`${tenant}/revocation/${id}`);
    const audit = await reg.call('GET', '/v1/audit?action=revocation.lift&limit=1', { key: admin });
    expect((audit.body.items as Body[])[0]).toMatchObject({
      target: { kind: 'revocation', id },
      before: { subject: { kind: 'device', value: device }, reason: 'test' },
      after: null,
    });
    expect(await reg.call('GET', `/v1/revocations/${id}`, { key: admin })).toMatchObject({
      status: 404,
      body: { message: 'no such revocation' },
    });
    const before = await counts();
    expect((await reg.call('DELETE', `/v1/revocations/${id}`, { key: admin })).status).toBe(404);
    expect(await counts()).toEqual(before);
    expect((await revoke({ subject: { kind: 'device', value: device } })).status).toBe(201);
  });

  it('lists with filters by kind, value and status, in pages', async () => {
    const device = deviceId();
    const created = await revoke({ subject: { kind: 'device', value: device } });
    const byValue = await reg.call('GET', `/v1/revocations?kind=device&value=${device}`, { key: developer });
    expect(byValue).toMatchObject({ status: 200, body: { items: [{ id: created.body.id }], nextCursor: null } });
    const tokens = await reg.call('GET', '/v1/revocations?kind=token&status=all', { key: admin });
    expect((tokens.body.items as Body[]).length).toBeGreaterThan(0);
    expect((tokens.body.items as Body[]).every((r) => (r.subject as Body).kind === 'token')).toBe(true);
    const page = await reg.call('GET', '/v1/revocations?limit=2', { key: admin });
    expect((page.body.items as Body[]).length).toBe(2);
    const next = await reg.call('GET', `/v1/revocations?limit=2&cursor=${String(page.body.nextCursor)}`, {
      key: admin,
    });
    const ids = [...(page.body.items as Body[]), ...(next.body.items as Body[])].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('ends a revocation at its expiry without anyone acting: tombstone, audit entry, listed as expired', async () => {
    const device = deviceId();
    const created = await revoke({ subject: { kind: 'device', value: device }, expireAfter: '1s' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const event = await events.waitFor(`${tenant}/revocation/${id}`, (e) => e.envelope !== null);
    expect(event.envelope?.data.expiresAt).toBe(created.body.expiresAt);
    await events.waitForTombstone(`${tenant}/revocation/${id}`);
    const audit = await reg.call('GET', '/v1/audit?action=revocation.expire', { key: admin });
    expect((audit.body.items as Body[]).find((entry) => (entry.target as Body).id === id)).toMatchObject({
      actor: { keyId: null, teamId: null },
      before: { subject: { kind: 'device', value: device } },
      after: null,
    });
    const expired = await reg.call('GET', `/v1/revocations?status=expired&value=${device}`, { key: admin });
    expect(expired.body.items).toMatchObject([{ id, status: 'expired' }]);
    const active = await reg.call('GET', `/v1/revocations?value=${device}`, { key: admin });
    expect(active.body.items).toEqual([]);
    // Expired is not in force: the subject can be revoked again; the expired one can still be removed.
    expect((await revoke({ subject: { kind: 'device', value: device } })).status).toBe(201);
    expect((await reg.call('DELETE', `/v1/revocations/${id}`, { key: admin })).status).toBe(204);
    const rows = await reg.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}".audit_event WHERE action = 'revocation.expire' AND target_id = $1`,
      [id],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('takes expiresAt as a time, and publishes it', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await revoke({ subject: { kind: 'token', value: randomUUID() }, expiresAt });
    expect(created).toMatchObject({ status: 201, body: { expiresAt, status: 'active' } });
    const event = await events.waitFor(`${tenant}/revocation/${String(created.body.id)}`);
    expect(event.envelope?.data.expiresAt).toBe(expiresAt);
  });

  it('lets developers read but not revoke or lift (403), and keeps other tenants out (404)', async () => {
    const created = await revoke({ subject: { kind: 'device', value: deviceId() } });
    const id = created.body.id as string;
    const before = await counts();
    expect(await revoke({ subject: { kind: 'device', value: deviceId() } }, developer)).toMatchObject({
      status: 403,
      body: { message: 'the developer role may not do this (needs revocation:write)' },
    });
    expect((await reg.call('DELETE', `/v1/revocations/${id}`, { key: developer })).status).toBe(403);
    for (const method of ['GET', 'DELETE']) {
      expect(await reg.call(method, `/v1/revocations/${id}`, { key: otherAdmin })).toMatchObject({
        status: 404,
        body: { message: 'no such revocation' },
      });
    }
    const otherList = await reg.call('GET', '/v1/revocations?status=all', { key: otherAdmin });
    expect(otherList.body).toEqual({ items: [], nextCursor: null });
    expect((await reg.call('GET', '/v1/revocations', {})).status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  const valid = installationId();
  it.each([
    ['no subject', {}, 'subject: expected a subject {kind, value}'],
    [
      'an unknown kind',
      { subject: { kind: 'app', value: 'x' } },
      'subject.kind: expected kind device, installation, registration or token',
    ],
    [
      'a device id with a control character',
      { subject: { kind: 'device', value: 'abc\n' } },
      'subject.value: expected a device id: 1-256 printable ASCII characters, no surrounding spaces',
    ],
    [
      'a device id with a leading space',
      { subject: { kind: 'device', value: ' abc' } },
      'subject.value: expected a device id: 1-256 printable ASCII characters, no surrounding spaces',
    ],
    [
      'a device id over 256 characters',
      { subject: { kind: 'device', value: 'd'.repeat(257) } },
      'subject.value: expected a device id: 1-256 printable ASCII characters, no surrounding spaces',
    ],
    [
      'an empty device id',
      { subject: { kind: 'device', value: '' } },
      'subject.value: expected a device id: 1-256 printable ASCII characters, no surrounding spaces',
    ],
    [
      'an installation id of 42 characters',
      { subject: { kind: 'installation', value: valid.slice(1) } },
      'subject.value: expected an installation id: a JWK thumbprint (RFC 7638), 43 base64url characters',
    ],
    [
      'a non-canonical installation id',
      { subject: { kind: 'installation', value: `${valid.slice(0, 42)}B` } },
      'subject.value: expected an installation id: a JWK thumbprint (RFC 7638), 43 base64url characters',
    ],
    [
      'a padded installation id',
      { subject: { kind: 'installation', value: `${valid}=` } },
      'subject.value: expected an installation id: a JWK thumbprint (RFC 7638), 43 base64url characters',
    ],
    [
      'a registration id that is not a UUID',
      { subject: { kind: 'registration', value: 'reg-1' } },
      'subject.value: expected a registration id (UUID)',
    ],
    [
      'a registration that is not one of the tenant’s',
      { subject: { kind: 'registration', value: '0b7d2c1e-9a4f-4c3b-8e2d-1f0a9b8c7d6e' } },
      'subject.value: no such registration',
    ],
    [
      'a token id with a dot',
      { subject: { kind: 'token', value: 'a.b' } },
      'subject.value: expected a token id (jti): 1-128 letters, digits, _ and -',
    ],
    [
      'a token id over 128 characters',
      { subject: { kind: 'token', value: 't'.repeat(129) } },
      'subject.value: expected a token id (jti): 1-128 letters, digits, _ and -',
    ],
    [
      'a subject with an unknown field',
      { subject: { kind: 'token', value: 't', tenant: 'x' } },
      'subject: unknown field(s) tenant',
    ],
    [
      'a duration without a unit',
      { subject: { kind: 'token', value: 't' }, expireAfter: '600' },
      'expireAfter: expected a whole number and a unit (s, m, h, d), such as 600s, 30m, 12h or 7d',
    ],
    [
      'a zero duration',
      { subject: { kind: 'token', value: 't' }, expireAfter: '0s' },
      'expireAfter: must be at least 1s',
    ],
    [
      'a duration over 10 years',
      { subject: { kind: 'token', value: 't' }, expireAfter: '3651d' },
      'expireAfter: must be at most 10 years (3650d)',
    ],
    [
      'both expireAfter and expiresAt',
      { subject: { kind: 'token', value: 't' }, expireAfter: '1h', expiresAt: '2030-01-01T00:00:00Z' },
      'expiresAt: give expireAfter or expiresAt, not both',
    ],
    [
      'an expiry in the past',
      { subject: { kind: 'token', value: 't' }, expiresAt: '2020-01-01T00:00:00Z' },
      'expiresAt: must be in the future',
    ],
    [
      'an expiry without offset',
      { subject: { kind: 'token', value: 't' }, expiresAt: '2099-01-01T00:00:00' },
      'expiresAt: expected an ISO-8601 time with offset, e.g. 2027-01-01T00:00:00Z',
    ],
    [
      'a reason over 500 characters',
      { subject: { kind: 'token', value: 't' }, reason: 'r'.repeat(501) },
      'reason: at most 500 characters',
    ],
    ['an unknown field', { subject: { kind: 'token', value: 't' }, tenant: 'other' }, 'body: unknown field(s) tenant'],
  ])('answers %s with 400 naming the problem, writing nothing', async (_what, body, problem) => {
    const before = await counts();
    const response = await revoke(body);
    expect(response.status).toBe(400);
    expect(response.body.errors).toContain(problem);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['/v1/revocations?status=lifted', 'status: expected one of active, expired, all'],
    ['/v1/revocations?kind=app', 'kind: expected device, installation, registration or token'],
    ['/v1/revocations?cursor=7', 'cursor: expected a cursor from nextCursor'],
    ['/v1/revocations/not-a-uuid', 'revocationId: expected a revocation id (UUID)'],
  ])('answers GET %s with 400 naming the problem', async (route, problem) => {
    const response = await reg.call('GET', route, { key: admin });
    expect(response.status).toBe(400);
    expect(response.body.errors).toContain(problem);
  });
});
