import { createHash } from 'node:crypto';
import { Topics, topicName } from '@tessera/contracts';
import { pinsFromPem } from '@tessera/pins';
import { DataSource } from 'typeorm';
import { RotationClock } from '../../apps/pins/src/rotations/rotation-clock';
import { makeTestChain, type TestChain } from '../../libs/pins/src/testing/test-chain';
import { eventually } from '../support/eventually';
import { PinsApp } from '../support/pins-app';
import { RegistrationApp } from '../support/registration-app';
import { StateEvents } from '../support/state-events';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const pin = (seed: string) => createHash('sha256').update(seed).digest('base64');
const LIFETIME_SECONDS = 60;

describe('the pins service: safe pin rotations (real Kafka and Postgres)', () => {
  const suffix = uniqueSuffix();
  const prefix = `pr${suffix}.`;
  const tenant = `rot-${suffix}`;
  let registration: RegistrationApp;
  let pins: PinsApp;
  let events: StateEvents;
  let admin: string;
  let developer: string;
  let oldChain: TestChain;
  let newChain: TestChain;
  let oldPin: string;
  let newPin: string;
  // The service's rotation clock runs `shift` ms ahead of the real one: the test moves it past the wait.
  let shift = 0;

  const protect = async (pattern: string) => {
    const created = await pins.call('POST', '/v1/domains', {
      key: admin,
      body: {
        pattern,
        pins: [
          { pin: oldPin, label: 'leaf 2026' },
          { pin: pin('backup'), source: 'backup' },
        ],
      },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const configVersion = async () => {
    const rows: { version: string }[] = await pins.app
      .get(DataSource)
      .query(`SELECT version FROM "${pins.schema}".pin_config_version WHERE tenant_id = $1`, [tenant]);
    return Number(rows[0]?.version ?? 0);
  };
  const auditOf = async (targetId: string) => {
    const rows: { actor_key_id: string | null; action: string; before: unknown; after: Record<string, unknown> }[] =
      await pins.app
        .get(DataSource)
        .query(
          `SELECT actor_key_id, action, before, after FROM "${pins.schema}".audit_event WHERE target_id = $1 ORDER BY id`,
          [targetId],
        );
    return rows;
  };

  beforeAll(async () => {
    oldChain = await makeTestChain(['api.example.com'], 'Old');
    newChain = await makeTestChain(['api.example.com'], 'New');
    oldPin = (await pinsFromPem(oldChain.leaf.pem))[0]!.pin;
    newPin = (await pinsFromPem(newChain.leaf.pem))[0]!.pin;
    registration = await RegistrationApp.start(env, `prreg_${suffix}`, prefix);
    pins = await PinsApp.start(env, `prpin_${suffix}`, prefix, {
      PINS_CONFIG_LIFETIME_SECONDS: String(LIFETIME_SECONDS),
    });
    const clock = pins.app.get(RotationClock);
    clock.now = () => new Date(Date.now() + shift);
    events = await StateEvents.start(env.kafkaBrokers, [topicName(Topics.pins, prefix)]);
    admin = (await registration.bootstrap(tenant)).key;
    developer = (await registration.teamWithDeveloper(admin, 'Mobile')).developerKey;
    await eventually(
      async () => (await pins.call('GET', '/v1/domains', { key: developer })).status === 200,
      'the keys',
    );
  });

  afterEach(() => {
    shift = 0;
  });

  afterAll(async () => {
    await events.stop();
    await pins.stop();
    await registration.stop();
  });

  it('walks the whole order: add and publish, an early retire refused with its time, the retire after the wait', async () => {
    const domainId = await protect('api.example.com');
    const versionBefore = await configVersion();
    const planned = await pins.call('POST', `/v1/domains/${domainId}/rotations`, {
      key: admin,
      body: { newPins: [{ pin: newPin, label: 'leaf 2027' }], retirePins: [oldPin] },
    });
    expect(planned).toMatchObject({ status: 201, body: { state: 'waiting', domainId, retirePins: [oldPin] } });
    const rotationId = planned.body.id as string;
    const publishedAt = new Date(planned.body.publishedAt as string);
    expect(planned.body.retireAllowedAt).toBe(new Date(publishedAt.getTime() + LIFETIME_SECONDS * 1000).toISOString());

    // Published: the domain holds old and new, under a higher revision and config version.
    const published = await events.waitFor(
      `${tenant}/protected-domain/${domainId}`,
      (e) => e.envelope?.data.revision === 2,
    );
    expect((published.envelope!.data.pins as { pin: string }[]).map((p) => p.pin)).toEqual([
      oldPin,
      pin('backup'),
      newPin,
    ]);
    expect(await configVersion()).toBe(versionBefore + 1);
    await events.waitFor(`${tenant}/pin-rotation/${rotationId}`, (e) => e.envelope?.data.publishedAt !== null);

    const early = await pins.call('POST', `/v1/rotations/${rotationId}/retire`, {
      key: admin,
      body: { servedChainPem: newChain.servedPem },
    });
    expect(early).toMatchObject({
      status: 409,
      body: { reason: 'too-early', allowedAt: planned.body.retireAllowedAt },
    });
    expect(early.body.message).toMatch(/until/);

    shift = (LIFETIME_SECONDS + 1) * 1000;
    await expect(pins.call('GET', `/v1/rotations/${rotationId}`, { key: developer })).resolves.toMatchObject({
      status: 200,
      body: { state: 'ready-to-switch' },
    });
    // The host still serves the old key: retiring it would lock every app out.
    const unswitched = await pins.call('POST', `/v1/rotations/${rotationId}/retire`, {
      key: admin,
      body: { servedChainPem: oldChain.servedPem },
    });
    expect(unswitched).toMatchObject({ status: 409, body: { reason: 'would-not-match-served-chain' } });

    const retired = await pins.call('POST', `/v1/rotations/${rotationId}/retire`, {
      key: admin,
      body: { servedChainPem: newChain.servedPem },
    });
    expect(retired).toMatchObject({ status: 200, body: { rotation: { state: 'retired' }, domain: { revision: 3 } } });
    expect((retired.body.domain as { pins: { pin: string }[] }).pins.map((p) => p.pin)).toEqual([
      pin('backup'),
      newPin,
    ]);
    const event = await events.waitFor(
      `${tenant}/protected-domain/${domainId}`,
      (e) => e.envelope?.data.revision === 3,
    );
    expect((event.envelope!.data.pins as { pin: string }[]).map((p) => p.pin)).toEqual([pin('backup'), newPin]);
    expect(await configVersion()).toBe(versionBefore + 2);
    const rotationEvent = await events.waitFor(
      `${tenant}/pin-rotation/${rotationId}`,
      (e) => e.envelope?.data.retiredAt !== null,
    );
    expect(rotationEvent.envelope).toMatchObject({
      type: 'pin-rotation.upserted',
      data: { rotationId, emergency: false },
    });
    expect(rotationEvent.envelope!.data.switchedAt).not.toBeNull();

    const audit = await auditOf(rotationId);
    expect(audit.map((entry) => entry.action)).toEqual(['rotation.planned', 'rotation.published', 'rotation.retired']);
    expect(audit.every((entry) => entry.actor_key_id !== null)).toBe(true);
    const listed = await pins.call('GET', `/v1/domains/${domainId}/rotations`, { key: developer });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: rotationId, state: 'retired' })]);

    await expect(
      pins.call('POST', `/v1/rotations/${rotationId}/retire`, {
        key: admin,
        body: { servedChainPem: newChain.servedPem },
      }),
    ).resolves.toMatchObject({ status: 409, body: { reason: 'already-retired' } });
  });

  it('refuses a retire that would leave no backup pin', async () => {
    const domainId = await protect('nobackup.example.com');
    // Replacing the backup by the served intermediate: every remaining pin would be in the served chain.
    const intermediatePin = (await pinsFromPem(oldChain.intermediate.pem))[0]!.pin;
    const planned = await pins.call('POST', `/v1/domains/${domainId}/rotations`, {
      key: admin,
      body: { newPins: [{ pin: intermediatePin }], retirePins: [pin('backup')] },
    });
    expect(planned.status).toBe(201);
    shift = (LIFETIME_SECONDS + 1) * 1000;
    const answer = await pins.call('POST', `/v1/rotations/${planned.body.id as string}/retire`, {
      key: admin,
      body: { servedChainPem: oldChain.servedPem },
    });
    expect(answer).toMatchObject({ status: 409, body: { reason: 'would-leave-no-backup' } });
    const domain = await pins.call('GET', `/v1/domains/${domainId}`, { key: admin });
    expect((domain.body.pins as { pin: string }[]).map((p) => p.pin)).toContain(pin('backup'));
  });

  it('publishes a scheduled rotation when its time comes, and cancels', async () => {
    const domainId = await protect('scheduled.example.com');
    const at = new Date(Date.now() + 2000).toISOString();
    const planned = await pins.call('POST', `/v1/domains/${domainId}/rotations`, {
      key: admin,
      body: { newPins: [{ pin: newPin }], retirePins: [oldPin], at },
    });
    expect(planned).toMatchObject({ status: 201, body: { state: 'scheduled', publishedAt: null, startsAt: at } });
    const rotationId = planned.body.id as string;
    const domain = await pins.call('GET', `/v1/domains/${domainId}`, { key: admin });
    expect((domain.body.pins as unknown[]).length).toBe(2);

    await eventually(
      async () => (await pins.call('GET', `/v1/rotations/${rotationId}`, { key: admin })).body.state === 'waiting',
      'the worker to publish the due rotation',
    );
    const published = await pins.call('GET', `/v1/domains/${domainId}`, { key: admin });
    expect(published.body).toMatchObject({ revision: 2 });
    expect((published.body.pins as { pin: string }[]).map((p) => p.pin)).toContain(newPin);
    const audit = await auditOf(rotationId);
    expect(audit.find((entry) => entry.action === 'rotation.published')?.actor_key_id).toBeNull();

    const cancelled = await pins.call('POST', `/v1/rotations/${rotationId}/cancel`, { key: admin });
    expect(cancelled).toMatchObject({ status: 200, body: { state: 'cancelled' } });
    await events.waitFor(`${tenant}/pin-rotation/${rotationId}`, (e) => e.envelope?.data.cancelledAt !== null);
    await expect(pins.call('POST', `/v1/rotations/${rotationId}/cancel`, { key: admin })).resolves.toMatchObject({
      status: 409,
      body: { reason: 'cancelled' },
    });
    shift = (LIFETIME_SECONDS + 1) * 1000;
    await expect(
      pins.call('POST', `/v1/rotations/${rotationId}/retire`, {
        key: admin,
        body: { servedChainPem: newChain.servedPem },
      }),
    ).resolves.toMatchObject({ status: 409, body: { reason: 'cancelled' } });
  });

  it('cancels a due rotation its domain can no longer take, and still publishes the ones due after it', async () => {
    const crowded = await protect('crowded.example.com');
    const other = await protect('other.example.com');
    const hourAhead = Date.now() + 3_600_000;
    const plan = async (domainId: string, seeds: string[], at: number) => {
      const planned = await pins.call('POST', `/v1/domains/${domainId}/rotations`, {
        key: admin,
        body: {
          newPins: seeds.map((seed) => ({ pin: pin(seed) })),
          retirePins: [oldPin],
          at: new Date(at).toISOString(),
        },
      });
      expect(planned).toMatchObject({ status: 201, body: { state: 'scheduled' } });
      return planned.body.id as string;
    };
    // Each fits the two-pin set alone; after the first, the second would make 21 pins (at most 20).
    const seeds = (name: string, count: number) => Array.from({ length: count }, (_, i) => `${name}-${i}`);
    const first = await plan(crowded, seeds('first', 10), hourAhead);
    const refused = await plan(crowded, seeds('second', 9), hourAhead + 1000);
    const after = await plan(other, [newPin], hourAhead + 2000);
    shift = 3_600_000 + 5000;

    const state = async (rotationId: string) =>
      (await pins.call('GET', `/v1/rotations/${rotationId}`, { key: admin })).body.state as string;
    await eventually(
      async () => (await state(first)) === 'waiting' && (await state(after)) === 'waiting',
      'the worker to publish the rotations on either side of the refused one',
    );
    expect(await state(refused)).toBe('cancelled');
    const audit = await auditOf(refused);
    expect(audit.find((entry) => entry.action === 'rotation.publish-refused')?.after).toMatchObject({
      refusal: { code: 'pin-set-refused', problems: [{ code: 'too-many-pins' }] },
    });
    const domain = await pins.call('GET', `/v1/domains/${crowded}`, { key: admin });
    expect((domain.body.pins as unknown[]).length).toBe(12);
  });

  it('cancels a scheduled rotation before it is published: the pins never change', async () => {
    const domainId = await protect('never.example.com');
    const planned = await pins.call('POST', `/v1/domains/${domainId}/rotations`, {
      key: admin,
      body: { newPins: [{ pin: newPin }], retirePins: [oldPin], at: new Date(Date.now() + 3_600_000).toISOString() },
    });
    const rotationId = planned.body.id as string;
    await expect(
      pins.call('POST', `/v1/rotations/${rotationId}/retire`, { key: admin, body: {} }),
    ).resolves.toMatchObject({
      status: 409,
      body: { reason: 'not-published' },
    });
    await expect(pins.call('POST', `/v1/rotations/${rotationId}/cancel`, { key: admin })).resolves.toMatchObject({
      status: 200,
      body: { state: 'cancelled' },
    });
    shift = 3_700_000;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await expect(pins.call('GET', `/v1/domains/${domainId}`, { key: admin })).resolves.toMatchObject({
      body: { revision: 1 },
    });
  });

  it('refuses an emergency replace without the compromised flag, does it with it, and audits it', async () => {
    const domainId = await protect('emergency.example.com');
    const body = {
      pins: [{ pin: newPin }, { pin: pin('backup'), source: 'backup' }],
      reason: 'the 2026 leaf key leaked',
    };
    for (const flag of [{}, { compromised: false }]) {
      const refused = await pins.call('POST', `/v1/domains/${domainId}/emergency-replace`, {
        key: admin,
        body: { ...body, ...flag },
      });
      expect(refused).toMatchObject({ status: 400, body: { reason: 'not-confirmed' } });
    }
    expect(await auditOf(domainId)).toEqual([]);

    const replaced = await pins.call('POST', `/v1/domains/${domainId}/emergency-replace`, {
      key: admin,
      body: { ...body, compromised: true },
    });
    expect(replaced).toMatchObject({
      status: 200,
      body: { rotation: { state: 'retired', emergency: true, retirePins: [oldPin] }, domain: { revision: 2 } },
    });
    expect((replaced.body.domain as { pins: { pin: string }[] }).pins.map((p) => p.pin)).toEqual([
      newPin,
      pin('backup'),
    ]);
    expect(replaced.body.warnings).toEqual(['the served chain was not checked: none was given']);
    const event = await events.waitFor(
      `${tenant}/protected-domain/${domainId}`,
      (e) => e.envelope?.data.revision === 2,
    );
    expect((event.envelope!.data.pins as { pin: string }[]).map((p) => p.pin)).toEqual([newPin, pin('backup')]);

    const [audit, ...more] = await auditOf(domainId);
    expect(more).toEqual([]);
    expect(audit).toMatchObject({
      action: 'domain.emergency-replaced',
      before: { pins: [oldPin, pin('backup')] },
      after: { pins: [newPin, pin('backup')], removed: [oldPin], added: [newPin], reason: 'the 2026 leaf key leaked' },
    });
    expect(audit!.actor_key_id).toEqual(expect.any(String));
  });

  it('says why a live host cannot be checked, and lets developers read but not change (403)', async () => {
    const domainId = await protect('host.invalid');
    const planned = await pins.call('POST', `/v1/domains/${domainId}/rotations`, {
      key: admin,
      body: { newPins: [{ pin: newPin }], retirePins: [oldPin] },
    });
    shift = (LIFETIME_SECONDS + 1) * 1000;
    const answer = await pins.call('POST', `/v1/rotations/${planned.body.id as string}/retire`, { key: admin });
    expect(answer).toMatchObject({ status: 409, body: { reason: 'served-chain-unknown' } });
    expect(answer.body.message).toMatch(/servedChainPem/);

    await expect(
      pins.call('POST', `/v1/rotations/${planned.body.id as string}/cancel`, { key: developer }),
    ).resolves.toMatchObject({ status: 403 });
    await expect(pins.call('GET', `/v1/rotations/${planned.body.id as string}`)).resolves.toMatchObject({
      status: 401,
    });
  });

  describe('bad input: a 4xx with the reason, for every endpoint', () => {
    let domainId: string;
    let rotationId: string;
    beforeAll(async () => {
      domainId = await protect('bad.example.com');
      const planned = await pins.call('POST', `/v1/domains/${domainId}/rotations`, {
        key: admin,
        body: { newPins: [{ pin: newPin }], retirePins: [oldPin] },
      });
      rotationId = planned.body.id as string;
    });

    it.each([
      ['no new pin', { newPins: [], retirePins: [pin('x')] }],
      ['a pin that is not base64 SHA-256', { newPins: [{ pin: 'sha256/abc' }], retirePins: [pin('x')] }],
      ['a time that is not ISO', { newPins: [{ pin: pin('n') }], retirePins: [pin('x')], at: 'tomorrow' }],
      ['an unknown member', { newPins: [{ pin: pin('n') }], retirePins: [pin('x')], trustMe: true }],
      ['a new pin twice', { newPins: [{ pin: pin('n') }, { pin: pin('n') }], retirePins: [pin('x')] }],
    ])('plan: refuses %s (400 with the errors)', async (_what, body) => {
      const answer = await pins.call('POST', `/v1/domains/${domainId}/rotations`, { key: admin, body });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toBeDefined();
    });

    it.each([
      [
        'a pin the domain does not hold',
        () => ({ newPins: [{ pin: pin('n') }], retirePins: [pin('x')] }),
        'unknown-old-pin',
      ],
      ['the pin it replaces', () => ({ newPins: [{ pin: oldPin }], retirePins: [oldPin] }), 'same-pin'],
      [
        'a time in the past',
        () => ({ newPins: [{ pin: pin('n') }], retirePins: [oldPin], at: '2020-01-01T00:00:00Z' }),
        'start-in-the-past',
      ],
    ])('plan: refuses %s (400 with its code)', async (_what, body, reason) => {
      const answer = await pins.call('POST', `/v1/domains/${domainId}/rotations`, { key: admin, body: body() });
      expect(answer).toMatchObject({ status: 400, body: { reason } });
      expect(answer.body.message).toEqual(expect.any(String));
    });

    it('answers 404 for an unknown domain or rotation and 400 for ids that are not UUIDs', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      const body = { newPins: [{ pin: pin('n') }], retirePins: [oldPin] };
      await expect(pins.call('POST', `/v1/domains/${unknown}/rotations`, { key: admin, body })).resolves.toMatchObject({
        status: 404,
      });
      await expect(pins.call('GET', `/v1/domains/${unknown}/rotations`, { key: admin })).resolves.toMatchObject({
        status: 404,
      });
      await expect(pins.call('GET', `/v1/rotations/${unknown}`, { key: admin })).resolves.toMatchObject({
        status: 404,
      });
      await expect(
        pins.call('POST', `/v1/rotations/${unknown}/retire`, { key: admin, body: {} }),
      ).resolves.toMatchObject({ status: 404 });
      await expect(pins.call('POST', `/v1/rotations/${unknown}/cancel`, { key: admin })).resolves.toMatchObject({
        status: 404,
      });
      for (const [method, path] of [
        ['GET', '/v1/rotations/nope'],
        ['POST', '/v1/rotations/nope/cancel'],
        ['GET', '/v1/domains/nope/rotations'],
      ] as const) {
        await expect(pins.call(method, path, { key: admin })).resolves.toMatchObject({ status: 400 });
      }
    });

    it('retire: refuses an unknown member and a PEM that is not a chain', async () => {
      await expect(
        pins.call('POST', `/v1/rotations/${rotationId}/retire`, { key: admin, body: { force: true } }),
      ).resolves.toMatchObject({ status: 400 });
      shift = (LIFETIME_SECONDS + 1) * 1000;
      await expect(
        pins.call('POST', `/v1/rotations/${rotationId}/retire`, { key: admin, body: { servedChainPem: 'hello' } }),
      ).resolves.toMatchObject({ status: 400, body: { reason: 'not-a-certificate' } });
    });

    it.each([
      [
        'no reason',
        () => ({ pins: [{ pin: newPin }, { pin: pin('backup'), source: 'backup' }], compromised: true }),
        undefined,
      ],
      ['no pins', () => ({ pins: [], compromised: true, reason: 'leak' }), undefined],
      [
        'a set without a backup',
        () => ({ pins: [{ pin: newPin }, { pin: pin('other') }], compromised: true, reason: 'leak' }),
        'pin-set-refused',
      ],
      [
        'a set that keeps every pin',
        () => ({
          pins: [{ pin: oldPin }, { pin: pin('backup'), source: 'backup' }, { pin: newPin }],
          compromised: true,
          reason: 'leak',
        }),
        'unknown-old-pin',
      ],
    ])('emergency replace: refuses %s (400)', async (_what, body, reason) => {
      const answer = await pins.call('POST', `/v1/domains/${domainId}/emergency-replace`, { key: admin, body: body() });
      expect(answer.status).toBe(400);
      if (reason === undefined) expect(answer.body.errors).toBeDefined();
      else expect(answer.body.reason).toBe(reason);
    });
  });
});
