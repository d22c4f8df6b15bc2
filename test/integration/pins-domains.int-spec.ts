import 'reflect-metadata';
import { createHash, X509Certificate } from 'node:crypto';
import { MAX_DOMAINS_PER_TENANT, Topics, topicName } from '@tessera/contracts';
import { makeTestChain } from '../../libs/pins/src/testing/test-chain';
import { eventually } from '../support/eventually';
import { PinsApp } from '../support/pins-app';
import { RegistrationApp } from '../support/registration-app';
import { type StateEvent, StateEvents } from '../support/state-events';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const pin = (seed: string) => createHash('sha256').update(seed).digest('base64');

describe('the pins service: protected domains and their pin sets (real Kafka and Postgres)', () => {
  const suffix = uniqueSuffix();
  const prefix = `pd${suffix}.`;
  const tenant = `pins-${suffix}`;
  let registration: RegistrationApp;
  let pins: PinsApp;
  let events: StateEvents;
  let admin: string;
  let developer: string;

  const pinSet = [
    { pin: pin('leaf key'), label: 'api.example.com leaf' },
    { pin: pin('backup key'), source: 'backup', label: 'offline backup, safe 2' },
  ];

  beforeAll(async () => {
    registration = await RegistrationApp.start(env, `preg_${suffix}`, prefix);
    pins = await PinsApp.start(env, `ppin_${suffix}`, prefix);
    events = await StateEvents.start(env.kafkaBrokers, [topicName(Topics.pins, prefix)]);
    admin = (await registration.bootstrap(tenant)).key;
    developer = (await registration.teamWithDeveloper(admin, 'Mobile')).developerKey;
    // The pins service authenticates the keys once their api-key.upserted has reached it.
    await eventually(
      async () => (await pins.call('GET', '/v1/domains', { key: developer })).status === 200,
      'the keys',
    );
  });

  afterAll(async () => {
    await events.stop();
    await pins.stop();
    await registration.stop();
  });

  it('protects a domain with a pin set, publishes protected-domain.upserted, and serves it back', async () => {
    const created = await pins.call('POST', '/v1/domains', {
      key: admin,
      body: { pattern: 'api.example.com', pins: pinSet },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { pattern: 'api.example.com', port: 443, mode: 'pinned', appIds: null, revision: 1 },
    });
    const id = created.body.id as string;
    expect(created.body.pins).toEqual([
      { pin: pinSet[0]!.pin, source: 'manual', label: 'api.example.com leaf', certificate: null },
      { pin: pinSet[1]!.pin, source: 'backup', label: 'offline backup, safe 2', certificate: null },
    ]);
    const event = await events.waitFor(`${tenant}/protected-domain/${id}`);
    expect(event.envelope).toMatchObject({
      type: 'protected-domain.upserted',
      data: { domainId: id, pattern: 'api.example.com', pins: created.body.pins },
    });
    await expect(pins.call('GET', `/v1/domains/${id}`, { key: developer })).resolves.toMatchObject({
      status: 200,
      body: { id, pattern: 'api.example.com' },
    });
    const listed = await pins.call('GET', '/v1/domains', { key: developer });
    expect((listed.body.items as { id: string }[]).map((d) => d.id)).toContain(id);
  });

  it('computes the pins from an uploaded chain: the leaf by default, the intermediates under managed trust', async () => {
    const chain = await makeTestChain(['pem.example.com']);
    const spki = (pem: string) =>
      createHash('sha256')
        .update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }))
        .digest('base64');
    const leafPinned = await pins.call('POST', '/v1/domains', {
      key: admin,
      body: { pattern: 'pem.example.com', certificatePem: chain.servedPem, pins: [pinSet[1]] },
    });
    expect(leafPinned.status).toBe(201);
    expect(leafPinned.body.pins).toMatchObject([
      {
        pin: spki(chain.leaf.pem),
        source: 'leaf',
        certificate: { subject: expect.stringContaining('pem.example.com') as unknown as string },
      },
      { pin: pinSet[1]!.pin, source: 'backup' },
    ]);
    expect(leafPinned.body.certificateExpiry).toMatchObject({ pin: spki(chain.leaf.pem), status: 'ok' });
    expect((leafPinned.body.certificateExpiry as { daysLeft: number }).daysLeft).toBeGreaterThan(0);
    // Each node's metric, from its view of the pins topic once the event arrived.
    await eventually(async () => {
      const metrics = await (await fetch(`${pins.url}/metrics`)).text();
      return /tessera_pins_certificate_expiry_days\{[^}]*pattern="pem\.example\.com"[^}]*\} \d+/.test(metrics);
    }, 'the certificate expiry metric');
    const managed = await pins.call('POST', '/v1/domains', {
      key: admin,
      body: {
        pattern: 'pem.example.com',
        port: 8443,
        mode: 'managed-trust',
        certificatePem: chain.servedPem,
        pins: [pinSet[1]],
      },
    });
    expect(managed.status).toBe(201);
    expect((managed.body.pins as { pin: string; source: string }[]).map((p) => p.source)).toEqual([
      'intermediate',
      'backup',
    ]);
    expect((managed.body.pins as { pin: string }[])[0]?.pin).toBe(spki(chain.intermediate.pem));
    // Only the served chain's keys, no spare: refused.
    const noSpare = await pins.call('POST', '/v1/domains', {
      key: admin,
      body: {
        pattern: 'nospare.example.com',
        certificatePem: chain.servedPem,
        use: 'leaf',
        pins: [{ pin: spki(chain.intermediate.pem) }],
      },
    });
    expect(noSpare).toMatchObject({ status: 400, body: { reason: 'pin-set-refused' } });
    expect((noSpare.body.problems as { code: string }[]).map((p) => p.code)).toContain('no-backup-pin');
  });

  it('refuses a chain that is not one (400 with the reason), and a host it cannot reach (422)', async () => {
    await expect(
      pins.call('POST', '/v1/domains', {
        key: admin,
        body: { pattern: 'bad.example.com', certificatePem: 'not a certificate', pins: [pinSet[1]] },
      }),
    ).resolves.toMatchObject({ status: 400 });
    await expect(
      pins.call('POST', '/v1/domains', {
        key: admin,
        body: { pattern: 'nowhere.invalid', fromHost: true, pins: [pinSet[1]] },
      }),
    ).resolves.toMatchObject({ status: 422, body: { reason: 'host-dns' } });
    await expect(
      pins.call('POST', '/v1/domains', {
        key: admin,
        body: { pattern: '*.example.net', fromHost: true, pins: [pinSet[1]] },
      }),
    ).resolves.toMatchObject({ status: 400 });
  });

  it('refuses a second protection of the same pattern and port (409)', async () => {
    const body = { pattern: '*.example.org', pins: pinSet };
    expect((await pins.call('POST', '/v1/domains', { key: admin, body })).status).toBe(201);
    await expect(pins.call('POST', '/v1/domains', { key: admin, body })).resolves.toMatchObject({ status: 409 });
    await expect(
      pins.call('POST', '/v1/domains', { key: admin, body: { ...body, port: 8443 } }),
    ).resolves.toMatchObject({ status: 201 });
  });

  it.each([
    ['one pin only', { pattern: 'one.example.com', pins: [pinSet[0]] }, /at least two pins/],
    ['no backup pin', { pattern: 'nobackup.example.com', pins: [pinSet[0], { pin: pin('second') }] }, /backup/],
    ['a pin twice', { pattern: 'twice.example.com', pins: [pinSet[0], pinSet[0], pinSet[1]] }, /more than once/],
  ] as const)('refuses a pin set with %s, saying why, writing nothing', async (_what, body, message) => {
    const answer = await pins.call('POST', '/v1/domains', { key: admin, body });
    expect(answer).toMatchObject({ status: 400, body: { reason: 'pin-set-refused' } });
    expect(answer.body.message).toMatch(message);
    expect((answer.body.problems as { code: string }[]).length).toBeGreaterThan(0);
    const listed = await pins.call('GET', '/v1/domains', { key: admin });
    expect((listed.body.items as { pattern: string }[]).map((d) => d.pattern)).not.toContain(body.pattern);
  });

  it.each([
    ['a pattern with a port', { pattern: 'api.example.com:443', pins: pinSet }],
    ['an upper-case pattern', { pattern: 'API.example.com', pins: pinSet }],
    ['a pin that is not base64 SHA-256', { pattern: 'x.example.com', pins: [{ pin: 'sha256/abc' }, pinSet[1]] }],
    ['an unknown member', { pattern: 'x.example.com', pins: pinSet, trustMe: true }],
    ['21 pins', { pattern: 'x.example.com', pins: Array.from({ length: 21 }, (_, i) => ({ pin: pin(`k${i}`) })) }],
  ])('refuses %s with 400 and the problem', async (_what, body) => {
    const answer = await pins.call('POST', '/v1/domains', { key: admin, body });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toBeDefined();
  });

  it('lets developers read but not change pins (403), and answers 401 without a key', async () => {
    await expect(
      pins.call('POST', '/v1/domains', { key: developer, body: { pattern: 'dev.example.com', pins: pinSet } }),
    ).resolves.toMatchObject({ status: 403 });
    await expect(pins.call('GET', '/v1/domains')).resolves.toMatchObject({ status: 401 });
  });

  it('stops protecting a domain: 204, a tombstone on its key, then 404', async () => {
    const created = await pins.call('POST', '/v1/domains', {
      key: admin,
      body: { pattern: 'gone.example.com', pins: pinSet },
    });
    const id = created.body.id as string;
    await expect(pins.call('DELETE', `/v1/domains/${id}`, { key: admin })).resolves.toMatchObject({ status: 204 });
    await events.waitForTombstone(`${tenant}/protected-domain/${id}`);
    // Each change raises the version, whose event names the domain revisions it stands for: with the new domain at
    // its first revision, then without it.
    const versions = `${tenant}/pin-config-version/${tenant}`;
    const revisionsOf = (event: StateEvent) => (event.envelope?.data.domainRevisions ?? {}) as Record<string, number>;
    const named = await events.waitFor(versions, (event) => revisionsOf(event)[id] === 1, 'a version naming it');
    const after = await events.waitFor(
      versions,
      (event) => Number(event.envelope?.data.version) > Number(named.envelope?.data.version),
      'the next version',
    );
    expect(revisionsOf(after)[id]).toBeUndefined();
    expect(Object.keys(revisionsOf(after)).length).toBe(Object.keys(revisionsOf(named)).length - 1);
    await expect(pins.call('GET', `/v1/domains/${id}`, { key: admin })).resolves.toMatchObject({ status: 404 });
    await expect(pins.call('DELETE', `/v1/domains/${id}`, { key: admin })).resolves.toMatchObject({ status: 404 });
  });

  it(`refuses a domain beyond ${MAX_DOMAINS_PER_TENANT} per tenant (409 too-many-domains), and keeps nothing of it`, async () => {
    const table = `"${pins.schema}".protected_domain`;
    const countOf = async () => {
      const rows = await pins.dataSource.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1`,
        [tenant],
      );
      return Number(rows[0]?.n);
    };
    const held = await countOf();
    // Filled in the database directly: 2000 requests would say nothing more.
    await pins.dataSource.query(
      `INSERT INTO ${table} (id, tenant_id, pattern, port, mode, pins)
       SELECT gen_random_uuid(), $1, 'filler-' || n || '.example.com', 443, 'pinned', '[]'::jsonb
       FROM generate_series(1, $2::int) AS n`,
      [tenant, MAX_DOMAINS_PER_TENANT - held],
    );
    const refused = await pins.call('POST', '/v1/domains', {
      key: admin,
      body: { pattern: 'one-too-many.example.com', pins: pinSet },
    });
    expect(refused).toMatchObject({ status: 409, body: { reason: 'too-many-domains' } });
    expect(await countOf()).toBe(MAX_DOMAINS_PER_TENANT);
  });
});
