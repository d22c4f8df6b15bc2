import { randomBytes } from 'node:crypto';
import { MAX_SECURE_STRINGS, secureStringAad, Topics, topicName, type SealedValue } from '@tessera/contracts';
import { Keyring, KeyEncryptionKey, SealingError } from '@tessera/sealing';
import { eventually } from '../support/eventually';
import { RegistrationApp } from '../support/registration-app';
import { StateEvents } from '../support/state-events';
import { testKeyring } from '../support/test-kek';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `reg_secrets_${suffix}`;
const prefix = `it-${suffix}.`;
const tenant = `secrets-${suffix}`;

type Body = Record<string, unknown>;

/** Every plaintext this test sets: none may show up anywhere but in the request that set it. */
const plaintexts: string[] = [];
function secret(label: string): string {
  const value = `${label}-${randomBytes(12).toString('hex')}`;
  plaintexts.push(value);
  return value;
}

describe('registration admin API: secure strings (real Postgres and Kafka)', () => {
  let reg: RegistrationApp;
  let events: StateEvents;
  let admin: string;
  let mobile: { teamId: string; developerKey: string };
  let web: { teamId: string; developerKey: string };
  let walletId: string;
  let shellId: string;
  let fullId: string;
  /** Every answer the service gave in this test, as text. */
  const answers: string[] = [];

  const call = async (...args: Parameters<RegistrationApp['call']>) => {
    const response = await reg.call(...args);
    answers.push(JSON.stringify(response.body));
    return response;
  };
  const path = (app: string, name = '') => `/v1/apps/${app}/secure-strings${name ? `/${name}` : ''}`;
  const counts = () => reg.counts('secure_string', 'outbox_event', 'audit_event');

  beforeAll(async () => {
    // Every log line, down to trace, is kept: the plaintext must be in none of them.
    reg = await RegistrationApp.start(env, schema, prefix, { LOG_LEVEL: 'trace' });
    events = await StateEvents.start(env.kafkaBrokers, [topicName(Topics.registry, prefix)]);
    admin = (await reg.bootstrap(tenant)).key;
    mobile = await reg.teamWithDeveloper(admin, 'Mobile');
    web = await reg.teamWithDeveloper(admin, 'Web');
    const wallet = await call('POST', '/v1/apps', {
      key: mobile.developerKey,
      body: { name: 'Wallet', platform: 'android', packageName: 'com.example.wallet' },
    });
    walletId = wallet.body.id as string;
    const shell = await call('POST', '/v1/apps', {
      key: web.developerKey,
      body: { name: 'Shell', platform: 'android', packageName: 'com.example.shell' },
    });
    shellId = shell.body.id as string;
  });

  afterAll(async () => {
    await events.stop();
    await reg.stop();
  });

  it('creates a secure string (201) without its value, and publishes it sealed under the KEK for its place', async () => {
    const value = secret('payments-api-key');
    const created = await call('PUT', path(walletId, 'PAYMENTS_API_KEY'), {
      key: mobile.developerKey,
      body: { value },
    });
    expect(created).toMatchObject({ status: 201, body: { appId: walletId, name: 'PAYMENTS_API_KEY', version: 1 } });
    expect(Object.keys(created.body).sort()).toEqual(['appId', 'createdAt', 'id', 'name', 'updatedAt', 'version']);
    const id = created.body.id as string;

    const event = await events.waitFor(`${tenant}/secure-string/${id}`);
    expect(event.envelope).toMatchObject({
      type: 'secure-string.upserted',
      tenant,
      data: { secureStringId: id, appId: walletId, name: 'PAYMENTS_API_KEY', version: 1 },
    });
    const sealed = event.envelope?.data.sealed as SealedValue;
    expect(sealed).toMatchObject({ alg: 'A256GCM', kekId: 'test-kek' });
    const keyring = testKeyring();
    expect(keyring.open(sealed, secureStringAad(tenant, walletId, 'PAYMENTS_API_KEY')).toString('utf8')).toBe(value);
    // Bound to its place: under another name, app or tenant it does not open; nor under another KEK.
    for (const aad of [
      secureStringAad(tenant, walletId, 'OTHER'),
      secureStringAad(tenant, shellId, 'PAYMENTS_API_KEY'),
      secureStringAad('another-tenant', walletId, 'PAYMENTS_API_KEY'),
    ]) {
      expect(() => keyring.open(sealed, aad)).toThrow(SealingError);
    }
    const impostor = new Keyring(KeyEncryptionKey.fromBytes('test-kek', randomBytes(32)));
    expect(() => impostor.open(sealed, secureStringAad(tenant, walletId, 'PAYMENTS_API_KEY'))).toThrow(SealingError);

    const audit = await call('GET', '/v1/audit?action=secure-string.set', { key: admin });
    expect((audit.body.items as Body[])[0]).toMatchObject({
      actor: { teamId: mobile.teamId },
      target: { kind: 'secure-string', id },
      before: null,
      after: { appId: walletId, name: 'PAYMENTS_API_KEY', version: 1 },
    });
  });

  it('replaces a value (200, version + 1) and publishes the new sealed value', async () => {
    const first = await call('PUT', path(walletId, 'MAPS_KEY'), { key: admin, body: { value: secret('maps-1') } });
    expect(first.status).toBe(201);
    const value = secret('maps-2');
    const replaced = await call('PUT', path(walletId, 'MAPS_KEY'), { key: mobile.developerKey, body: { value } });
    expect(replaced).toMatchObject({ status: 200, body: { id: first.body.id, name: 'MAPS_KEY', version: 2 } });
    const event = await events.waitFor(
      `${tenant}/secure-string/${String(first.body.id)}`,
      (e) => e.envelope?.data.version === 2,
    );
    const sealed = event.envelope?.data.sealed as SealedValue;
    expect(
      testKeyring()
        .open(sealed, secureStringAad(tenant, walletId, 'MAPS_KEY'))
        .toString('utf8'),
    ).toBe(value);
    const audit = await call('GET', '/v1/audit?action=secure-string.set&limit=1', { key: admin });
    expect((audit.body.items as Body[])[0]).toMatchObject({
      before: { appId: walletId, name: 'MAPS_KEY', version: 1 },
      after: { appId: walletId, name: 'MAPS_KEY', version: 2 },
    });
  });

  it('lists names, versions and times in name order, in pages, never a value', async () => {
    for (const name of ['a.first', 'b-second', 'c_third']) {
      expect(
        (await call('PUT', path(shellId, name), { key: web.developerKey, body: { value: secret(name) } })).status,
      ).toBe(201);
    }
    const page1 = await call('GET', `${path(shellId)}?limit=2`, { key: web.developerKey });
    expect(page1.status).toBe(200);
    expect((page1.body.items as Body[]).map((s) => s.name)).toEqual(['a.first', 'b-second']);
    expect(page1.body.nextCursor).toBe('b-second');
    const page2 = await call('GET', `${path(shellId)}?limit=2&cursor=b-second`, { key: admin });
    expect(page2.body).toMatchObject({ items: [{ name: 'c_third', version: 1 }], nextCursor: null });
    for (const item of [...(page1.body.items as Body[]), ...(page2.body.items as Body[])]) {
      expect(Object.keys(item).sort()).toEqual(['appId', 'createdAt', 'id', 'name', 'updatedAt', 'version']);
    }
  });

  it('deletes a secure string with a tombstone and an audit entry; a second delete is 404', async () => {
    const created = await call('PUT', path(walletId, 'TEMP'), {
      key: mobile.developerKey,
      body: { value: secret('t') },
    });
    const id = created.body.id as string;
    expect((await call('DELETE', path(walletId, 'TEMP'), { key: mobile.developerKey })).status).toBe(204);
    await events.waitForTombstone(`${tenant}/secure-string/${id}`);
    const audit = await call('GET', '/v1/audit?action=secure-string.delete', { key: admin });
    expect((audit.body.items as Body[])[0]).toMatchObject({
      target: { kind: 'secure-string', id },
      before: { appId: walletId, name: 'TEMP', version: 1 },
      after: null,
    });
    const list = await call('GET', path(walletId), { key: mobile.developerKey });
    expect((list.body.items as Body[]).map((s) => s.name)).not.toContain('TEMP');
    const before = await counts();
    const again = await call('DELETE', path(walletId, 'TEMP'), { key: mobile.developerKey });
    expect(again).toMatchObject({ status: 404, body: { message: 'no such secure string' } });
    expect(await counts()).toEqual(before);
  });

  it('refuses to delete an app that still has secure strings (409), writing nothing', async () => {
    const app = await call('POST', '/v1/apps', {
      key: mobile.developerKey,
      body: { name: 'Keeper', platform: 'android', packageName: 'com.example.keeper' },
    });
    const id = app.body.id as string;
    await call('PUT', path(id, 'KEPT'), { key: mobile.developerKey, body: { value: secret('kept') } });
    const before = await counts();
    const refused = await call('DELETE', `/v1/apps/${id}`, { key: mobile.developerKey });
    expect(refused).toMatchObject({
      status: 409,
      body: { message: 'the app still has registrations, secure strings or device overrides: remove them first' },
    });
    expect(await counts()).toEqual(before);
    expect((await call('DELETE', path(id, 'KEPT'), { key: mobile.developerKey })).status).toBe(204);
    expect((await call('DELETE', `/v1/apps/${id}`, { key: mobile.developerKey })).status).toBe(204);
  });

  it('keeps another team’s app out of a developer’s reach (404), writing nothing', async () => {
    await call('PUT', path(shellId, 'SHELL_TOKEN'), { key: web.developerKey, body: { value: secret('shell') } });
    const before = await counts();
    for (const [method, route, body] of [
      ['GET', path(shellId), undefined],
      ['PUT', path(shellId, 'SHELL_TOKEN'), { value: secret('takeover') }],
      ['PUT', path(shellId, 'NEW_ONE'), { value: secret('intruder') }],
      ['DELETE', path(shellId, 'SHELL_TOKEN'), undefined],
    ] as const) {
      const response = await call(method, route, { key: mobile.developerKey, body });
      expect(response).toMatchObject({ status: 404, body: { message: 'no such app' } });
    }
    const unknownApp = await call('PUT', path('00000000-0000-4000-8000-000000000000', 'X'), {
      key: admin,
      body: { value: secret('nowhere') },
    });
    expect(unknownApp).toMatchObject({ status: 404, body: { message: 'no such app' } });
    expect((await call('GET', path(shellId), {})).status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  const NAME_RULE = 'name: expected a name of 1-64 letters, digits, _ . -, starting with a letter';
  it.each([
    ['an empty value', 'NAME', { value: '' }, 'invalid body', 'value: must not be empty'],
    ['a value over 4 KB', 'NAME', { value: 'x'.repeat(4097) }, 'invalid body', 'value: at most 4096 bytes (UTF-8)'],
    [
      'a value over 4 KB in UTF-8 bytes',
      'NAME',
      { value: 'é'.repeat(2049) },
      'invalid body',
      'value: at most 4096 bytes (UTF-8)',
    ],
    ['a value that is not a string', 'NAME', { value: 42 }, 'invalid body', 'value: expected a string'],
    ['a missing value', 'NAME', {}, 'invalid body', 'value: expected a string'],
    ['an unknown field', 'NAME', { value: 'v', sealed: 'x' }, 'invalid body', 'body: unknown field(s) sealed'],
    // A path parameter is checked whole, so its problem carries the pipe's generic "body:" label.
    ['a name starting with a digit', '1NAME', { value: 'v' }, 'invalid secure string name', NAME_RULE],
    ['a name over 64 characters', 'N'.repeat(65), { value: 'v' }, 'invalid secure string name', NAME_RULE],
    ['a name with a space', 'MY%20KEY', { value: 'v' }, 'invalid secure string name', NAME_RULE],
  ])('answers %s with 400 naming the problem, writing nothing', async (_what, name, body, message, problem) => {
    const before = await counts();
    const response = await call('PUT', path(walletId, name), { key: mobile.developerKey, body });
    expect(response).toMatchObject({ status: 400, body: { message, errors: [problem] } });
    expect(await counts()).toEqual(before);
  });

  it('takes exactly 4 KB, and refuses a bad app id and a bad cursor with 400', async () => {
    const full = await call('PUT', path(walletId, 'FULL'), { key: admin, body: { value: 'é'.repeat(2048) } });
    expect(full).toMatchObject({ status: 201, body: { name: 'FULL' } });
    fullId = full.body.id as string;
    const badApp = await call('PUT', path('not-a-uuid', 'X'), { key: admin, body: { value: 'v' } });
    expect(badApp).toMatchObject({
      status: 400,
      body: { message: 'invalid app id', errors: ['appId: expected an app id (UUID)'] },
    });
    const badCursor = await call('GET', `${path(walletId)}?cursor=%2F`, { key: admin });
    expect(badCursor).toMatchObject({ status: 400, body: { errors: ['cursor: expected a cursor from nextCursor'] } });
  });

  it(`holds at most ${MAX_SECURE_STRINGS} secure strings an app (409 too-many-secure-strings), still replacing them`, async () => {
    const crowded = await call('POST', '/v1/apps', {
      key: mobile.developerKey,
      body: { name: 'Crowded', platform: 'android', packageName: 'com.example.crowded' },
    });
    const id = crowded.body.id as string;
    for (let i = 0; i < MAX_SECURE_STRINGS; i++) {
      const set = await call('PUT', path(id, `S${i}`), { key: mobile.developerKey, body: { value: secret('many') } });
      expect(set.status).toBe(201);
    }
    const before = await counts();
    const refused = await call('PUT', path(id, 'ONE_MORE'), {
      key: mobile.developerKey,
      body: { value: secret('no') },
    });
    expect(refused).toMatchObject({ status: 409, body: { reason: 'too-many-secure-strings' } });
    expect(await counts()).toEqual(before);
    const replaced = await call('PUT', path(id, 'S0'), { key: mobile.developerKey, body: { value: secret('again') } });
    expect(replaced).toMatchObject({ status: 200, body: { name: 'S0', version: 2 } });
  });

  it('never lets a plaintext out: not in answers, events, the outbox, the table, the audit log or the logs', async () => {
    // Everything written so far is on the topic before the topic is searched.
    await eventually(
      async () =>
        (
          await reg.dataSource.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM "${schema}".outbox_event WHERE published_at IS NULL`,
          )
        )[0]?.n === 0,
      'the outbox to be published',
    );
    await events.waitFor(`${tenant}/secure-string/${fullId}`);
    const audit = await reg.dataSource.query<{ entry: string }[]>(
      `SELECT row_to_json(a)::text AS entry FROM "${schema}".audit_event a`,
    );
    const outbox = await reg.dataSource.query<{ row: string }[]>(
      `SELECT row_to_json(o)::text AS row FROM "${schema}".outbox_event o`,
    );
    const stored = await reg.dataSource.query<{ row: string }[]>(
      `SELECT row_to_json(s)::text AS row FROM "${schema}".secure_string s`,
    );
    const places: Record<string, string> = {
      answers: answers.join('\n'),
      events: JSON.stringify(events.all()),
      outbox: outbox.map((o) => o.row).join('\n'),
      table: stored.map((s) => s.row).join('\n'),
      audit: audit.map((a) => a.entry).join('\n'),
      logs: reg.logLines.join(''),
    };
    expect(reg.logLines.length).toBeGreaterThan(10);
    expect(plaintexts.length).toBeGreaterThan(8);
    for (const [place, text] of Object.entries(places)) {
      for (const plaintext of plaintexts) {
        if (text.includes(plaintext)) throw new Error(`a plaintext secure string value is in the ${place}`);
        expect(text).not.toContain(Buffer.from(plaintext).toString('base64'));
      }
    }
  });
});
