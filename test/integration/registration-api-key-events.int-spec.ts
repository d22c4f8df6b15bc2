import { createHash } from 'node:crypto';
import { generateApiKey, type GeneratedApiKey } from '@tessera/access';
import { Topics, topicName } from '@tessera/contracts';
import { OutboxWriter } from '@tessera/messaging';
import { republishUnpublishedApiKeys } from '../../apps/registration/src/api-keys/republish-api-keys.worker';
import { eventually } from '../support/eventually';
import { RegistrationApp } from '../support/registration-app';
import { type StateEvent, StateEvents } from '../support/state-events';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `regkeys_${suffix}`;
const prefix = `it-${suffix}.`;
const tenant = `keys-${suffix}`;
const envTenant = `keys-env-${suffix}`;
const envKey = generateApiKey();
// Logged at debug, so that "the key is in no log line" covers every line the service writes.
const settings = { LOG_LEVEL: 'debug', TESSERA_BOOTSTRAP_TENANT: envTenant, TESSERA_BOOTSTRAP_ADMIN_KEY: envKey.key };

type Json = Record<string, unknown>;

/** What a consumer must find in the event: base64 of the SHA-256 of the key's secret part. */
const hashOf = (key: string) =>
  createHash('sha256')
    .update(key.slice('tsk_'.length + 17))
    .digest('base64');
const eventKey = (tenantId: string, keyId: string) => `${tenantId}/api-key/${keyId}`;

describe('API keys on the registry topic: api-key.upserted with every change, never the key itself', () => {
  /** Every instance started (the service is restarted on its schema), for their log lines. */
  const started: RegistrationApp[] = [];
  let reg: RegistrationApp;
  let events: StateEvents;
  let adminKey: string;
  let adminKeyId: string;
  /** Every key string this test saw: none may appear in an event, an outbox row or a log line. */
  const keys: string[] = [envKey.key];

  const start = async () => {
    reg = await RegistrationApp.start(env, schema, prefix, settings);
    started.push(reg);
  };
  const keyEvents = (tenantId: string, keyId: string): StateEvent[] =>
    events.all().filter((e) => e.key === eventKey(tenantId, keyId));
  /** The outbox rows written for a key, oldest first: exact, where Kafka's delivery is at least once. */
  const outboxRows = async (tenantId: string, keyId: string) =>
    (
      await reg.dataSource.query<{ payload: { data: Json } | null }[]>(
        `SELECT payload FROM "${schema}".outbox_event WHERE message_key = $1 ORDER BY seq`,
        [eventKey(tenantId, keyId)],
      )
    ).map((row) => row.payload);
  const drained = () =>
    eventually(
      async () =>
        (
          await reg.dataSource.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM "${schema}".outbox_event WHERE published_at IS NULL`,
          )
        )[0]?.n === 0,
      'the outbox to be published',
    );

  beforeAll(async () => {
    await start();
    events = await StateEvents.start(env.kafkaBrokers, [topicName(Topics.registry, prefix)]);
    const bootstrapped = await reg.bootstrap(tenant, 'Keys Ltd');
    adminKey = bootstrapped.key;
    adminKeyId = bootstrapped.keyId;
    keys.push(adminKey);
  });

  afterAll(async () => {
    await events.stop();
    await reg.stop();
  });

  it('bootstrapTenant publishes the first admin key: admin, no team, no expiry, the hash of its secret', async () => {
    const event = await events.waitFor(eventKey(tenant, adminKeyId));
    const view = await reg.call('GET', `/v1/keys/${adminKeyId}`, { key: adminKey });
    expect(event).toMatchObject({ envelope: { type: 'api-key.upserted', version: 1, tenant } });
    expect(event.envelope?.data).toEqual({
      keyId: adminKeyId,
      role: 'admin',
      teamId: null,
      secretHash: hashOf(adminKey),
      createdAt: view.body.createdAt,
      expiresAt: null,
      revokedAt: null,
    });
    // Written in the transaction that made the tenant and the key: now() is the transaction's start, the same for
    // both rows and both outbox rows.
    const times = await reg.dataSource.query<{ what: string; at: Date }[]>(
      `SELECT message_key AS what, created_at AS at FROM "${schema}".outbox_event WHERE message_key = ANY($1)
       UNION ALL SELECT 'key', created_at FROM "${schema}".api_key WHERE id = $2
       UNION ALL SELECT 'tenant', created_at FROM "${schema}".tenant WHERE id = $3`,
      [[eventKey(tenant, adminKeyId), `${tenant}/tenant/${tenant}`], adminKeyId, tenant],
    );
    expect(times).toHaveLength(4);
    expect(new Set(times.map((t) => t.at.getTime())).size).toBe(1);
  });

  it('the key from TESSERA_BOOTSTRAP_ADMIN_KEY is published when the service installs it', async () => {
    const event = await events.waitFor(eventKey(envTenant, envKey.id));
    expect(event.envelope).toMatchObject({ tenant: envTenant });
    expect(event.envelope?.data).toMatchObject({
      keyId: envKey.id,
      role: 'admin',
      teamId: null,
      secretHash: envKey.hash.toString('base64'),
      expiresAt: null,
      revokedAt: null,
    });
    expect(envKey.hash.toString('base64')).toBe(hashOf(envKey.key));
  });

  it('POST /v1/keys publishes the new key with its role, team and expiry', async () => {
    const team = await reg.call('POST', '/v1/teams', { key: adminKey, body: { name: 'Mobile' } });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = await reg.call('POST', '/v1/keys', {
      key: adminKey,
      body: { name: 'mobile ci', role: 'developer', teamId: team.body.id, expiresAt },
    });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    keys.push(key);
    const event = await events.waitFor(eventKey(tenant, created.body.id as string));
    expect(event.envelope?.data).toEqual({
      keyId: created.body.id,
      role: 'developer',
      teamId: team.body.id,
      secretHash: hashOf(key),
      createdAt: created.body.createdAt,
      expiresAt,
      revokedAt: null,
    });
  });

  it('revoking publishes the key again with revokedAt; revoking it again publishes nothing', async () => {
    const created = await reg.call('POST', '/v1/keys', { key: adminKey, body: { name: 'to revoke', role: 'admin' } });
    const id = created.body.id as string;
    keys.push(created.body.key as string);
    const revoked = await reg.call('POST', `/v1/keys/${id}/revoke`, { key: adminKey });
    expect(revoked.status).toBe(200);
    await events.waitFor(eventKey(tenant, id), (e) => e.envelope?.data.revokedAt !== null, 'the revoked key');
    expect(keyEvents(tenant, id).map((e) => e.envelope?.data.revokedAt)).toEqual([null, revoked.body.revokedAt]);
    expect(keyEvents(tenant, id)[1]?.envelope?.data).toMatchObject({
      role: 'admin',
      secretHash: hashOf(created.body.key as string),
      createdAt: created.body.createdAt,
    });

    expect((await reg.call('POST', `/v1/keys/${id}/revoke`, { key: adminKey })).status).toBe(200);
    await drained();
    expect(await outboxRows(tenant, id)).toHaveLength(2);
  });

  it('deleting a team tombstones its keys (revoked ones: a team with live keys cannot be deleted)', async () => {
    const { teamId, developerKey } = await reg.teamWithDeveloper(adminKey, 'Short-lived');
    keys.push(developerKey);
    const keyId = developerKey.slice(4, 20);
    await reg.call('POST', `/v1/keys/${keyId}/revoke`, { key: adminKey });
    expect((await reg.call('DELETE', `/v1/teams/${teamId}`, { key: adminKey })).status).toBe(204);
    await events.waitForTombstone(eventKey(tenant, keyId));
    expect(keyEvents(tenant, keyId).map((e) => (e.envelope ? 'upserted' : 'tombstone'))).toEqual([
      'upserted',
      'upserted',
      'tombstone',
    ]);
    await events.waitForTombstone(`${tenant}/team/${teamId}`);
  });

  it('writes last_used_at when a key authenticates, then at most once a minute', async () => {
    const created = await reg.call('POST', '/v1/keys', { key: adminKey, body: { name: 'used', role: 'admin' } });
    const key = created.body.key as string;
    keys.push(key);
    const lastUsed = async () =>
      (
        await reg.dataSource.query<{ at: Date | null }[]>(
          `SELECT last_used_at AS at FROM "${schema}".api_key WHERE id = $1`,
          [created.body.id],
        )
      )[0]?.at;
    expect(await lastUsed()).toBeNull();
    expect((await reg.call('GET', '/v1/tenants/current', { key })).status).toBe(200);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    expect((await reg.call('GET', '/v1/tenants/current', { key })).status).toBe(200);
    expect(await lastUsed()).toEqual(first);
  });

  it('keys from before keys were published get one api-key.upserted at startup, and never a second', async () => {
    const team = await reg.call('POST', '/v1/teams', { key: adminKey, body: { name: 'Old team' } });
    const teamId = team.body.id as string;
    /** A key as the service stored it before it published keys: no event, no published_at. */
    const oldKey = async (role: 'admin' | 'developer', revoked = false): Promise<GeneratedApiKey> => {
      const generated = generateApiKey();
      await reg.dataSource.query(
        `INSERT INTO "${schema}".api_key (id, tenant_id, team_id, role, name, secret_hash, created_at, revoked_at)
         VALUES ($1, $2, $3, $4, 'from before', $5, now() - interval '30 days', $6)`,
        [generated.id, tenant, role === 'developer' ? teamId : null, role, generated.hash, revoked ? new Date() : null],
      );
      keys.push(generated.key);
      return generated;
    };
    const before = [await oldKey('admin'), await oldKey('developer'), await oldKey('admin', true)];
    const published = [adminKeyId, envKey.id];
    const counts = async () => {
      await drained();
      const counted: number[] = [];
      for (const id of [...before.map((k) => k.id), adminKeyId]) counted.push((await outboxRows(tenant, id)).length);
      counted.push((await outboxRows(envTenant, envKey.id)).length);
      return counted;
    };
    expect(await counts()).toEqual([0, 0, 0, 1, 1]);

    // A restart on the same schema: the startup step publishes them before the service is ready.
    await reg.stop(false);
    await start();
    expect(await counts()).toEqual([1, 1, 1, 1, 1]);
    for (const [generated, role, teamOf, revoked] of [
      [before[0]!, 'admin', null, false],
      [before[1]!, 'developer', teamId, false],
      [before[2]!, 'admin', null, true],
    ] as const) {
      const event = await events.waitFor(eventKey(tenant, generated.id));
      expect(event.envelope?.data).toMatchObject({
        keyId: generated.id,
        role,
        teamId: teamOf,
        secretHash: hashOf(generated.key),
        expiresAt: null,
      });
      expect(event.envelope?.data.revokedAt === null).toBe(!revoked);
      // Published as it is: the key still authenticates, or (revoked) still does not.
      const answer = await reg.call('GET', '/v1/tenants/current', { key: generated.key });
      expect(answer.status).toBe(revoked ? 401 : 200);
    }
    for (const id of published) expect(await outboxRows(id === envKey.id ? envTenant : tenant, id)).toHaveLength(1);

    // Two instances starting together, in batches of one: each unpublished key once, the others not at all.
    const later = [await oldKey('admin'), await oldKey('developer')];
    const outbox = reg.app.get(OutboxWriter);
    const runs = await Promise.all([
      republishUnpublishedApiKeys(reg.dataSource, outbox, schema, 1),
      republishUnpublishedApiKeys(reg.dataSource, outbox, schema, 1),
    ]);
    expect(runs[0] + runs[1]).toBe(2);
    await drained();
    for (const generated of [...before, ...later]) expect(await outboxRows(tenant, generated.id)).toHaveLength(1);

    // And after another restart, nothing more.
    await reg.stop(false);
    await start();
    expect(await counts()).toEqual([1, 1, 1, 1, 1]);
    for (const generated of later) expect(await outboxRows(tenant, generated.id)).toHaveLength(1);
    await events.waitFor(eventKey(tenant, later[1]!.id));
  });

  it('the key string is in no event, no outbox row and no log line (its hash is)', async () => {
    await drained();
    const outbox = await reg.dataSource.query<{ row: string }[]>(
      `SELECT row_to_json(o)::text AS row FROM "${schema}".outbox_event o`,
    );
    const logLines = started.flatMap((app) => app.logLines);
    const places: Record<string, string> = {
      events: JSON.stringify(events.all()),
      outbox: outbox.map((o) => o.row).join('\n'),
      logs: logLines.join(''),
    };
    // The places hold what this test made: the keys' events and the requests that made them.
    expect(keys.length).toBeGreaterThanOrEqual(10);
    expect(logLines.filter((line) => line.includes('"url":"/v1/keys"')).length).toBeGreaterThanOrEqual(3);
    for (const key of keys) {
      expect(places.events).toContain(JSON.stringify(hashOf(key)));
      for (const [place, text] of Object.entries(places)) {
        // The secret part alone would be as bad as the key: it is all an attacker needs besides the public id.
        if (text.includes(key.slice(21))) throw new Error(`an API key's secret is in the ${place}`);
      }
    }
  });
});
