import { Topics, topicName } from '@tessera/contracts';
import { TopicProbe } from '../support/kafka-probe';
import { RegistrationApp } from '../support/registration-app';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `reg_${suffix}`;
const prefix = `it-${suffix}.`;
const registryTopic = topicName(Topics.registry, prefix);
const tenantA = `a-${suffix}`;
const tenantB = `b-${suffix}`;

type Body = Record<string, unknown>;
interface Envelope {
  type: string;
  tenant: string;
  key: string;
  data: Record<string, unknown>;
}

describe('registration admin API: tenants, teams, API keys, audit (real Postgres and Kafka)', () => {
  let reg: RegistrationApp;
  let probe: TopicProbe;
  let adminA: string;
  let adminAKeyId: string;
  let adminB: string;

  const events = () =>
    probe.received.map((m) => ({ key: m.key, envelope: m.value === null ? null : (JSON.parse(m.value) as Envelope) }));
  const waitForEvent = (what: string, predicate: (e: { key: string | null; envelope: Envelope | null }) => boolean) =>
    probe.waitFor(() => events().some(predicate), 15_000, what);
  /** Rows that a refused request must not have written. */
  const counts = async () => {
    const rows = await reg.dataSource.query<{ n: number }[]>(
      `SELECT (SELECT count(*) FROM "${schema}".audit_event)::int + (SELECT count(*) FROM "${schema}".outbox_event)::int
            + (SELECT count(*) FROM "${schema}".team)::int + (SELECT count(*) FROM "${schema}".api_key)::int AS n`,
    );
    return rows[0]!.n;
  };

  beforeAll(async () => {
    reg = await RegistrationApp.start(env, schema, prefix);
    probe = await new TopicProbe(env.kafkaBrokers, [registryTopic]).start();
    const a = await reg.bootstrap(tenantA, 'Acme');
    const b = await reg.bootstrap(tenantB);
    adminA = a.key;
    adminAKeyId = a.keyId;
    adminB = b.key;
  });

  afterAll(async () => {
    await probe.stop();
    await reg.stop();
  });

  describe('bootstrap', () => {
    it('creates the tenant with one admin key, publishes tenant.upserted and audits both', async () => {
      await waitForEvent('tenant.upserted of the bootstrapped tenant', (e) => e.key === `${tenantA}/tenant/${tenantA}`);
      const current = await reg.call('GET', '/v1/tenants/current', { key: adminA });
      expect(current).toMatchObject({ status: 200, body: { id: tenantA, name: 'Acme', status: 'active' } });
      const audit = await reg.call('GET', `/v1/audit?action=key.create`, { key: adminA });
      expect(audit.body.items).toEqual([
        expect.objectContaining({ actor: { keyId: null, teamId: null }, target: { kind: 'api_key', id: adminAKeyId } }),
      ]);
    });

    it('is refused for a tenant that exists, writing nothing', async () => {
      const before = await counts();
      await expect(reg.bootstrap(tenantA)).rejects.toThrow(/exists already/);
      expect(await counts()).toBe(before);
    });
  });

  describe('authentication', () => {
    const unauthorized = async (headers: Record<string, string>) => {
      const response = await reg.call('GET', '/v1/tenants/current', { headers });
      expect(response.status).toBe(401);
      const { requestId: _ignored, ...rest } = response.body;
      return rest;
    };

    it('answers every missing, malformed, unknown or wrong key with the same 401', async () => {
      const wrongSecret = `${adminA.slice(0, 21)}${adminA.slice(21).split('').reverse().join('')}`;
      const unknownId = `tsk_0000000000000000_${adminA.slice(21)}`;
      const bodies = await Promise.all(
        [
          {} as Record<string, string>,
          { authorization: '' },
          { authorization: adminA },
          { authorization: `Basic ${adminA}` },
          { authorization: 'Bearer tsk_nope' },
          { authorization: `Bearer ${unknownId}` },
          { authorization: `Bearer ${wrongSecret}` },
        ].map(unauthorized),
      );
      for (const body of bodies) expect(body).toEqual(bodies[0]);
      expect(bodies[0]).toMatchObject({ statusCode: 401 });
    });

    it('refuses expired and revoked keys with that same 401, and notes when a key was used', async () => {
      const created = await reg.call('POST', '/v1/keys', { key: adminA, body: { name: 'short-lived', role: 'admin' } });
      expect(created.status).toBe(201);
      const key = created.body.key as string;
      expect((await reg.call('GET', '/v1/tenants/current', { key })).status).toBe(200);
      const used = await reg.call('GET', `/v1/keys/${String(created.body.id)}`, { key: adminA });
      expect(used.body.lastUsedAt).not.toBeNull();

      await reg.dataSource.query(
        `UPDATE "${schema}".api_key SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [created.body.id],
      );
      const expired = await reg.call('GET', '/v1/tenants/current', { key });
      expect(expired.status).toBe(401);

      const other = await reg.call('POST', '/v1/keys', {
        key: adminA,
        body: { name: 'to revoke', role: 'admin', expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
      });
      const otherKey = other.body.key as string;
      expect((await reg.call('GET', '/v1/tenants/current', { key: otherKey })).status).toBe(200);
      const revoked = await reg.call('POST', `/v1/keys/${String(other.body.id)}/revoke`, { key: adminA });
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      const refused = await reg.call('GET', '/v1/tenants/current', { key: otherKey });
      expect(refused.status).toBe(401);
      expect({ ...refused.body, requestId: undefined }).toEqual({ ...expired.body, requestId: undefined });
    });
  });

  describe('teams, keys and roles', () => {
    it('creates, changes and deletes a team with team.upserted events and a tombstone', async () => {
      const created = await reg.call('POST', '/v1/teams', {
        key: adminA,
        body: { name: 'Payments', description: 'pays' },
      });
      expect(created).toMatchObject({ status: 201, body: { name: 'Payments', description: 'pays' } });
      const id = created.body.id as string;
      const key = `${tenantA}/team/${id}`;
      await waitForEvent('team.upserted on create', (e) => e.key === key && e.envelope?.data.name === 'Payments');

      const renamed = await reg.call('PATCH', `/v1/teams/${id}`, { key: adminA, body: { name: 'Billing' } });
      expect(renamed).toMatchObject({ status: 200, body: { id, name: 'Billing', description: 'pays' } });
      await waitForEvent('team.upserted on rename', (e) => e.key === key && e.envelope?.data.name === 'Billing');
      const envelope = events().find((e) => e.key === key)!.envelope!;
      expect(envelope).toMatchObject({ type: 'team.upserted', tenant: tenantA, key });

      expect((await reg.call('GET', `/v1/teams/${id}`, { key: adminA })).body).toMatchObject({ name: 'Billing' });
      expect((await reg.call('DELETE', `/v1/teams/${id}`, { key: adminA })).status).toBe(204);
      await waitForEvent('the team tombstone', (e) => e.key === key && e.envelope === null);
      expect((await reg.call('GET', `/v1/teams/${id}`, { key: adminA })).status).toBe(404);
    });

    it('refuses a duplicate team name (409) and deleting a team whose keys are live (409)', async () => {
      const team = await reg.call('POST', '/v1/teams', { key: adminA, body: { name: 'Dup' } });
      expect((await reg.call('POST', '/v1/teams', { key: adminA, body: { name: 'Dup' } })).status).toBe(409);
      // Another tenant may use the same name.
      expect((await reg.call('POST', '/v1/teams', { key: adminB, body: { name: 'Dup' } })).status).toBe(201);
      const dev = await reg.call('POST', '/v1/keys', {
        key: adminA,
        body: { name: 'dev', role: 'developer', teamId: team.body.id },
      });
      const before = await counts();
      const refused = await reg.call('DELETE', `/v1/teams/${String(team.body.id)}`, { key: adminA });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/revoke them first/);
      expect(await counts()).toBe(before);
      await reg.call('POST', `/v1/keys/${String(dev.body.id)}/revoke`, { key: adminA });
      expect((await reg.call('DELETE', `/v1/teams/${String(team.body.id)}`, { key: adminA })).status).toBe(204);
    });

    it('shows a key once; lists and reads never show the secret or its hash', async () => {
      const created = await reg.call('POST', '/v1/keys', { key: adminA, body: { name: 'ci', role: 'admin' } });
      expect(created.body.key).toMatch(/^tsk_[0-9a-f]{16}_/);
      const secret = created.body.key as string;
      const listed = await reg.call('GET', '/v1/keys?limit=100', { key: adminA });
      const read = await reg.call('GET', `/v1/keys/${String(created.body.id)}`, { key: adminA });
      const audit = await reg.call('GET', '/v1/audit?limit=100', { key: adminA });
      for (const response of [listed, read, audit]) {
        const text = JSON.stringify(response.body);
        expect(text).not.toContain(secret.slice(21));
        expect(text).not.toMatch(/hash|"key":/i);
      }
      expect((listed.body.items as Body[]).map((k) => k.id)).toContain(created.body.id);
    });

    it('gives a developer its own team read-only and nothing of administration (403 within the tenant)', async () => {
      const own = await reg.call('POST', '/v1/teams', { key: adminA, body: { name: 'Mobile' } });
      const other = await reg.call('POST', '/v1/teams', { key: adminA, body: { name: 'Web' } });
      const devKey = await reg.call('POST', '/v1/keys', {
        key: adminA,
        body: { name: 'mobile dev', role: 'developer', teamId: own.body.id },
      });
      const dev = devKey.body.key as string;
      expect(devKey.body).toMatchObject({ role: 'developer', teamId: own.body.id });

      expect((await reg.call('GET', '/v1/tenants/current', { key: dev })).status).toBe(200);
      expect((await reg.call('GET', `/v1/teams/${String(own.body.id)}`, { key: dev })).status).toBe(200);
      const listed = await reg.call('GET', '/v1/teams', { key: dev });
      expect((listed.body.items as Body[]).map((t) => t.id)).toEqual([own.body.id]);
      expect((await reg.call('GET', `/v1/teams/${String(other.body.id)}`, { key: dev })).status).toBe(403);

      const before = await counts();
      const forbidden = [
        await reg.call('PATCH', '/v1/tenants/current', { key: dev, body: { name: 'x' } }),
        await reg.call('POST', '/v1/teams', { key: dev, body: { name: 'Mine' } }),
        await reg.call('PATCH', `/v1/teams/${String(own.body.id)}`, { key: dev, body: { name: 'x' } }),
        await reg.call('DELETE', `/v1/teams/${String(own.body.id)}`, { key: dev }),
        await reg.call('GET', '/v1/keys', { key: dev }),
        await reg.call('POST', '/v1/keys', { key: dev, body: { name: 'x', role: 'admin' } }),
        await reg.call('GET', `/v1/keys/${String(devKey.body.id)}`, { key: dev }),
        await reg.call('POST', `/v1/keys/${adminAKeyId}/revoke`, { key: dev }),
        await reg.call('GET', '/v1/audit', { key: dev }),
      ];
      for (const response of forbidden) {
        expect(response.status).toBe(403);
        expect(response.body.message).toMatch(/developer role may not/);
      }
      expect(await counts()).toBe(before);
    });

    it('ties developer keys to a team of the tenant and admin keys to no team', async () => {
      const team = await reg.call('POST', '/v1/teams', { key: adminA, body: { name: 'Scoped' } });
      const before = await counts();
      const bad = [
        await reg.call('POST', '/v1/keys', { key: adminA, body: { name: 'd', role: 'developer' } }),
        await reg.call('POST', '/v1/keys', { key: adminA, body: { name: 'a', role: 'admin', teamId: team.body.id } }),
        await reg.call('POST', '/v1/keys', {
          key: adminA,
          body: { name: 'd', role: 'developer', teamId: '00000000-0000-4000-8000-000000000000' },
        }),
      ];
      expect(bad.map((r) => r.status)).toEqual([400, 400, 400]);
      expect(bad.map((r) => r.body.message)).toEqual([
        expect.stringMatching(/teamId/),
        expect.stringMatching(/tenant-wide/),
        'teamId: no such team',
      ]);
      expect(await counts()).toBe(before);
    });
  });

  describe("tenant isolation: another tenant's resources are not found (404), never forbidden", () => {
    it('answers 404 on every endpoint that names a resource, lists nothing of it and changes nothing', async () => {
      const team = await reg.call('POST', '/v1/teams', { key: adminA, body: { name: 'Secret team' } });
      const teamId = team.body.id as string;
      const key = await reg.call('POST', '/v1/keys', {
        key: adminA,
        body: { name: 'secret dev', role: 'developer', teamId },
      });
      const keyId = key.body.id as string;
      const before = await counts();

      const matrix: [string, string, unknown?][] = [
        ['GET', `/v1/teams/${teamId}`],
        ['PATCH', `/v1/teams/${teamId}`, { name: 'taken over' }],
        ['DELETE', `/v1/teams/${teamId}`],
        ['GET', `/v1/keys/${keyId}`],
        ['POST', `/v1/keys/${keyId}/revoke`],
        ['GET', `/v1/keys/${adminAKeyId}`],
        ['POST', `/v1/keys/${adminAKeyId}/revoke`],
      ];
      for (const [method, path, body] of matrix) {
        const response = await reg.call(method, path, { key: adminB, body });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
        // The same answer as for a resource that never existed.
        expect(response.body.message).toMatch(/^no such (team|API key)$/);
      }

      const lists: [string, string][] = [
        ['/v1/teams?limit=100', teamId],
        ['/v1/keys?limit=100', keyId],
        [`/v1/keys?teamId=${teamId}`, keyId],
        [`/v1/audit?limit=100`, teamId],
        [`/v1/audit?actor=${adminAKeyId}`, adminAKeyId],
      ];
      for (const [path, foreign] of lists) {
        const response = await reg.call('GET', path, { key: adminB });
        expect(response.status).toBe(200);
        expect(JSON.stringify(response.body)).not.toContain(foreign);
      }
      expect((await reg.call('GET', '/v1/tenants/current', { key: adminB })).body.id).toBe(tenantB);
      // A body naming another tenant's team is as unknown as a made-up one.
      const foreignTeam = await reg.call('POST', '/v1/keys', {
        key: adminB,
        body: { name: 'x', role: 'developer', teamId },
      });
      expect(foreignTeam).toMatchObject({ status: 400, body: { message: 'teamId: no such team' } });

      expect(await counts()).toBe(before);
      expect((await reg.call('GET', `/v1/teams/${teamId}`, { key: adminA })).body.name).toBe('Secret team');
      expect((await reg.call('GET', `/v1/keys/${keyId}`, { key: adminA })).body.revokedAt).toBeNull();
    });
  });

  describe('request validation: 4xx with the reason, nothing half-written', () => {
    const team = () => reg.call('POST', '/v1/teams', { key: adminA, body: { name: `V ${Math.random()}` } });

    it('refuses bad bodies, parameters and queries on every endpoint', async () => {
      const teamId = (await team()).body.id as string;
      const before = await counts();
      const cases: [string, string, { body?: unknown; rawBody?: string }, number, RegExp][] = [
        ['PATCH', '/v1/tenants/current', { body: {} }, 400, /name/],
        [
          'PATCH',
          '/v1/tenants/current',
          { body: { name: 'x', status: 'suspended' } },
          400,
          /unknown field\(s\) status/,
        ],
        ['PATCH', '/v1/tenants/current', { body: { name: 'x'.repeat(201) } }, 400, /name: at most 200/],
        ['PATCH', '/v1/tenants/current', { rawBody: '{"name":' }, 400, /JSON|Unexpected|Expected/],
        ['POST', '/v1/teams', { body: {} }, 400, /name/],
        ['POST', '/v1/teams', { body: { name: 42 } }, 400, /name/],
        ['POST', '/v1/teams', { body: { name: '  ' } }, 400, /name: must not be empty/],
        ['POST', '/v1/teams', { body: { name: 'ok', id: teamId } }, 400, /unknown field\(s\) id/],
        ['POST', '/v1/teams', { body: ['name'] }, 400, /body/],
        ['GET', '/v1/teams?limit=0', {}, 400, /limit/],
        ['GET', '/v1/teams?limit=abc', {}, 400, /limit/],
        ['GET', '/v1/teams?cursor=zzz', {}, 400, /cursor/],
        ['GET', '/v1/teams?sort=name', {}, 400, /unknown field\(s\) sort/],
        ['GET', '/v1/teams/not-a-uuid', {}, 400, /team id/],
        ['PATCH', `/v1/teams/${teamId}`, { body: {} }, 400, /give name or description/],
        ['PATCH', `/v1/teams/${teamId}`, { body: { description: 'x'.repeat(501) } }, 400, /description/],
        ['PATCH', '/v1/teams/not-a-uuid', { body: { name: 'x' } }, 400, /team id/],
        ['DELETE', '/v1/teams/not-a-uuid', {}, 400, /team id/],
        ['POST', '/v1/keys', { body: { name: 'x', role: 'owner' } }, 400, /role: expected one of admin, developer/],
        ['POST', '/v1/keys', { body: { role: 'admin' } }, 400, /name/],
        ['POST', '/v1/keys', { body: { name: 'x', role: 'admin', expiresAt: '2020-01-01T00:00:00Z' } }, 400, /future/],
        ['POST', '/v1/keys', { body: { name: 'x', role: 'admin', expiresAt: 'tomorrow' } }, 400, /expiresAt/],
        ['POST', '/v1/keys', { body: { name: 'x', role: 'admin', secret: 'mine' } }, 400, /unknown field/],
        ['GET', '/v1/keys?limit=101', {}, 400, /limit/],
        ['GET', '/v1/keys?teamId=x', {}, 400, /teamId/],
        ['GET', '/v1/keys/XYZ', {}, 400, /key id/],
        ['POST', '/v1/keys/XYZ/revoke', {}, 400, /key id/],
        ['GET', '/v1/audit?from=yesterday', {}, 400, /from/],
        ['GET', '/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', {}, 400, /from must be before to/],
        ['GET', '/v1/audit?actor=someone', {}, 400, /actor/],
        ['GET', '/v1/audit?cursor=-1', {}, 400, /cursor/],
        ['GET', '/v1/audit?action=DROP', {}, 400, /action/],
        ['POST', '/v1/teams', { body: { name: 'big', description: 'x'.repeat(70_000) } }, 413, /too large/],
      ];
      for (const [method, path, options, status, reason] of cases) {
        const response = await reg.call(method, path, { key: adminA, ...options });
        const text = JSON.stringify(response.body);
        expect({ method, path, status: response.status }).toEqual({ method, path, status });
        expect(text).toMatch(reason);
      }
      expect(await counts()).toBe(before);
    });

    it('answers unknown routes under /v1 with 404', async () => {
      expect((await reg.call('GET', '/v1/nothing', { key: adminA })).status).toBe(404);
    });
  });

  describe('audit log', () => {
    it('records who, what, when and before/after for each admin action, queryable by actor, time and page', async () => {
      // The database's clock: audit times are its now().
      const start = (await reg.dataSource.query<{ now: Date }[]>('SELECT now() AS now'))[0]!.now.toISOString();
      const second = await reg.call('POST', '/v1/keys', { key: adminA, body: { name: 'auditor', role: 'admin' } });
      const auditor = second.body.key as string;
      const auditorId = second.body.id as string;
      const team = await reg.call('POST', '/v1/teams', { key: auditor, body: { name: 'Audited' } });
      await reg.call('PATCH', `/v1/teams/${String(team.body.id)}`, { key: auditor, body: { description: 'now' } });
      await reg.call('PATCH', '/v1/tenants/current', { key: auditor, body: { name: 'Acme Corp' } });
      await reg.call('DELETE', `/v1/teams/${String(team.body.id)}`, { key: auditor });
      await waitForEvent('tenant.upserted of the rename', (e) => e.envelope?.data.name === 'Acme Corp');

      const mine = await reg.call('GET', `/v1/audit?actor=${auditorId}&from=${start}`, { key: adminA });
      expect(mine.status).toBe(200);
      const items = mine.body.items as Body[];
      expect(items.map((i) => i.action)).toEqual(['team.delete', 'tenant.update', 'team.update', 'team.create']);
      for (const item of items) {
        expect(item.actor).toEqual({ keyId: auditorId, teamId: null });
        expect(Date.parse(item.at as string)).toBeGreaterThanOrEqual(Date.parse(start));
      }
      expect(items[1]).toMatchObject({
        target: { kind: 'tenant', id: tenantA },
        before: { name: 'Acme' },
        after: { name: 'Acme Corp' },
      });
      expect(items[2]).toMatchObject({ before: { description: '' }, after: { description: 'now' } });
      expect(items[0]).toMatchObject({ after: null, before: { name: 'Audited' } });
      const created = await reg.call('GET', `/v1/audit?actor=${adminAKeyId}&action=key.create&from=${start}`, {
        key: adminA,
      });
      const createdItems = created.body.items as Body[];
      expect(createdItems).toHaveLength(1);
      expect(createdItems[0]).toMatchObject({ target: { kind: 'api_key', id: auditorId }, after: { name: 'auditor' } });

      // Time range: nothing before the tenant existed.
      const empty = await reg.call('GET', `/v1/audit?to=2000-01-01T00:00:00Z`, { key: adminA });
      expect(empty.body).toEqual({ items: [], nextCursor: null });

      // Pages of two, newest first, without gaps or repeats.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: Body } = await reg.call(
          'GET',
          `/v1/audit?actor=${auditorId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          { key: adminA },
        );
        expect(page.status).toBe(200);
        seen.push(...(page.body.items as Body[]).map((i) => i.id as string));
        cursor = page.body.nextCursor as string | null;
      } while (cursor);
      expect(seen).toEqual(items.map((i) => i.id));
    });
  });
});
