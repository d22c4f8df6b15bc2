import { Topics, topicName } from '@tessera/contracts';
import { RegistrationApp } from '../support/registration-app';
import { StateEvents } from '../support/state-events';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `reg_apps_${suffix}`;
const prefix = `it-${suffix}.`;
const tenant = `apps-${suffix}`;

type Body = Record<string, unknown>;

describe('registration admin API: apps (real Postgres and Kafka)', () => {
  let reg: RegistrationApp;
  let events: StateEvents;
  let admin: string;
  let mobile: { teamId: string; developerKey: string };
  let web: { teamId: string; developerKey: string };

  beforeAll(async () => {
    reg = await RegistrationApp.start(env, schema, prefix);
    events = await StateEvents.start(env.kafkaBrokers, [topicName(Topics.registry, prefix)]);
    admin = (await reg.bootstrap(tenant)).key;
    mobile = await reg.teamWithDeveloper(admin, 'Mobile');
    web = await reg.teamWithDeveloper(admin, 'Web');
  });

  afterAll(async () => {
    await events.stop();
    await reg.stop();
  });

  it('creates an Android app for the developer’s own team, publishes app.upserted and audits it', async () => {
    const created = await reg.call('POST', '/v1/apps', {
      key: mobile.developerKey,
      body: { name: 'Wallet', platform: 'android', packageName: 'com.example.wallet' },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { name: 'Wallet', teamId: mobile.teamId, platform: 'android', packageName: 'com.example.wallet' },
    });
    const id = created.body.id as string;
    const event = await events.waitFor(`${tenant}/app/${id}`);
    expect(event.envelope).toMatchObject({
      type: 'app.upserted',
      data: {
        appId: id,
        teamId: mobile.teamId,
        identifiers: { platform: 'android', packageName: 'com.example.wallet' },
        policyId: null,
      },
    });
    const audit = await reg.call('GET', '/v1/audit?action=app.create', { key: admin });
    expect((audit.body.items as Body[])[0]).toMatchObject({ target: { kind: 'app', id }, before: null });
  });

  it('creates an iOS app for a team an admin names, and refuses a duplicate identifier with 409', async () => {
    const body = {
      name: 'Wallet iOS',
      teamId: mobile.teamId,
      platform: 'ios',
      appleTeamId: 'ABCDE12345',
      bundleId: 'com.example.wallet',
    };
    const created = await reg.call('POST', '/v1/apps', { key: admin, body });
    expect(created).toMatchObject({ status: 201, body: { platform: 'ios', appleTeamId: 'ABCDE12345' } });
    const before = await reg.count('outbox_event');
    const again = await reg.call('POST', '/v1/apps', { key: admin, body: { ...body, name: 'again' } });
    expect(again).toMatchObject({
      status: 409,
      body: { message: 'an ios app ABCDE12345.com.example.wallet exists in this tenant' },
    });
    expect(await reg.count('outbox_event')).toBe(before);
  });

  it('keeps each team’s apps to itself: another team’s app is 404 to a developer, listed for the admin', async () => {
    const own = await reg.call('POST', '/v1/apps', {
      key: web.developerKey,
      body: { name: 'Web shell', platform: 'android', packageName: 'com.example.shell' },
    });
    const id = own.body.id as string;
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'taken over' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await reg.call(method, `/v1/apps/${id}`, { key: mobile.developerKey, body });
      expect(response).toMatchObject({ status: 404, body: { message: 'no such app' } });
    }
    const mobileList = await reg.call('GET', '/v1/apps', { key: mobile.developerKey });
    expect((mobileList.body.items as Body[]).every((a) => a.teamId === mobile.teamId)).toBe(true);
    const adminList = await reg.call('GET', `/v1/apps?teamId=${web.teamId}&platform=android`, { key: admin });
    expect((adminList.body.items as Body[]).map((a) => a.id)).toEqual([id]);
    const refused = await reg.call('POST', '/v1/apps', {
      key: mobile.developerKey,
      body: { name: 'x', teamId: web.teamId, platform: 'android', packageName: 'com.example.other' },
    });
    expect(refused).toMatchObject({
      status: 400,
      body: { message: 'teamId: a developer creates apps for its own team' },
    });
  });

  it('renames and deletes an app, with an event, a tombstone and audit entries', async () => {
    const created = await reg.call('POST', '/v1/apps', {
      key: admin,
      body: { name: 'Temp', teamId: web.teamId, platform: 'android', packageName: 'com.example.temp' },
    });
    const id = created.body.id as string;
    const renamed = await reg.call('PATCH', `/v1/apps/${id}`, { key: web.developerKey, body: { name: 'Temporary' } });
    expect(renamed).toMatchObject({ status: 200, body: { name: 'Temporary' } });
    await events.waitFor(`${tenant}/app/${id}`, (e) => e.envelope?.data.name === 'Temporary');
    expect((await reg.call('DELETE', `/v1/apps/${id}`, { key: web.developerKey })).status).toBe(204);
    await events.waitForTombstone(`${tenant}/app/${id}`);
    expect((await reg.call('GET', `/v1/apps/${id}`, { key: admin })).status).toBe(404);
    const audit = await reg.call('GET', '/v1/audit?action=app.delete', { key: admin });
    expect((audit.body.items as Body[])[0]).toMatchObject({ after: null, before: { name: 'Temporary' } });
  });

  it('refuses deleting a team that still owns apps (409), writing nothing', async () => {
    const team = await reg.call('POST', '/v1/teams', { key: admin, body: { name: 'Owner' } });
    await reg.call('POST', '/v1/apps', {
      key: admin,
      body: { name: 'Owned', teamId: team.body.id, platform: 'android', packageName: 'com.example.owned' },
    });
    const before = await reg.count('audit_event');
    const refused = await reg.call('DELETE', `/v1/teams/${String(team.body.id)}`, { key: admin });
    expect(refused).toMatchObject({ status: 409, body: { message: 'the team still owns apps: delete them first' } });
    expect(await reg.count('audit_event')).toBe(before);
  });

  it.each([
    [
      'an unknown platform',
      { name: 'x', platform: 'windows', packageName: 'com.example.x' },
      'platform: expected one of android, ios',
    ],
    [
      'a bad package name',
      { name: 'x', platform: 'android', packageName: 'example' },
      'packageName: expected an Android package name such as com.example.app',
    ],
    [
      'iOS fields on Android',
      { name: 'x', platform: 'android', packageName: 'com.example.x', bundleId: 'com.x.y' },
      'body: unknown field(s) bundleId',
    ],
    [
      'a bad Apple team id',
      { name: 'x', platform: 'ios', appleTeamId: 'abc', bundleId: 'com.example.x' },
      'appleTeamId: expected an Apple team id: 10 of A-Z and 0-9',
    ],
    [
      'a name of the wrong type',
      { name: 7, platform: 'android', packageName: 'com.example.x' },
      'name: Invalid input: expected string, received number',
    ],
  ])('answers %s with 400 naming the problem, writing nothing', async (_what, body, problem) => {
    const before = await reg.count('app');
    const response = await reg.call('POST', '/v1/apps', { key: mobile.developerKey, body });
    expect(response.status).toBe(400);
    expect(response.body.errors).toContain(problem);
    expect(await reg.count('app')).toBe(before);
  });
});
