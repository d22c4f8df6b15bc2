import { randomUUID } from 'node:crypto';
import {
  type EventData,
  type EventDefinition,
  RevocationUpsertedV1,
  SigningKeyUpsertedV1,
  Topics,
} from '@tessera/contracts';
import { generateKeyMaterial, signToken } from '@tessera/tokens';
import { genuineClaims, signingKeyEvent } from '../../libs/verifier/src/testing/token-fixtures';
import { DedicatedBroker } from '../support/dedicated-broker';
import { eventually } from '../support/eventually';
import { provisionTopics, testKafka } from '../support/messaging-fixture';
import { publishEvent } from '../support/publish-event';
import { uniqueSuffix, testEnvironment } from '../support/test-environment';
import { VerifierApp } from '../support/verifier-app';

const env = testEnvironment();
const prefix = `stale${uniqueSuffix()}.`;
// Stopping a broker would disturb every other test, so this suite runs a broker of its own.
const broker = new DedicatedBroker(19192, 'verifier-staleness');
const MAX_STALENESS_SECONDS = 3;

const publish = <Definition extends EventDefinition>(
  definition: Definition,
  tenant: string,
  data: EventData<Definition>,
): Promise<void> => publishEvent(broker.brokers, prefix, definition, tenant, data);

const gauge = async (node: VerifierApp, name: string): Promise<number> => {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) throw new Error(`${name} is not in /metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
};
const ready = async (node: VerifierApp) => (await fetch(`${node.url}/health/ready`)).status;

describe('verifier nodes whose broker went away (a broker of its own, stopped and restarted)', () => {
  const material = generateKeyMaterial('ES256');
  let failClosed: VerifierApp;
  let keepServing: VerifierApp;
  let token: string;
  let deviceId: string;

  beforeAll(async () => {
    await broker.destroy();
    await broker.start();
    await provisionTopics(testKafka(broker.brokers), prefix, [Topics.keys, Topics.revocations, Topics.deadLetter]);
    await publish(SigningKeyUpsertedV1, 'acme', signingKeyEvent('acme-stale-1', material));
    const settings = (whenStale: string) => ({
      KAFKA_BROKERS: broker.brokers.join(','),
      VERIFIER_MAX_STALENESS_SECONDS: String(MAX_STALENESS_SECONDS),
      VERIFIER_WHEN_STALE: whenStale,
      VERIFIER_FRESHNESS_PROBE_MS: '250',
    });
    [failClosed, keepServing] = await Promise.all([
      VerifierApp.start(env, prefix, settings('fail-closed')),
      VerifierApp.start(env, prefix, settings('keep-serving')),
    ]);
    deviceId = `device-${randomUUID()}`;
    token = await signToken(
      { kid: 'acme-stale-1', alg: 'ES256', privateKey: material.privateKey },
      genuineClaims({ lifetimeSeconds: 600, request: { deviceId } }),
    );
  });

  afterAll(async () => {
    await Promise.all([failClosed.stop(), keepServing.stop()]);
    await broker.destroy();
  });

  it('serves while current: staleness stays under a probe interval or two, lag at zero', async () => {
    await eventually(async () => (await gauge(failClosed, 'tessera_verifier_view_staleness_seconds')) < 1, 'current');
    expect(await gauge(failClosed, 'tessera_verifier_event_lag')).toBe(0);
    expect(await gauge(failClosed, 'tessera_verifier_view_stale')).toBe(0);
    expect(await failClosed.verify(token)).toMatchObject({ decision: 'accept' });
    expect(await keepServing.verify(token)).toMatchObject({ decision: 'accept' });
  });

  it('keeps serving until the staleness limit, then the fail-closed node refuses (stale-view) and reports not ready', async () => {
    const stoppedAt = Date.now();
    await broker.stop();
    // Within the limit both still decide from their view.
    if (Date.now() - stoppedAt < (MAX_STALENESS_SECONDS - 1) * 1000) {
      expect(await failClosed.verify(token)).toMatchObject({ decision: 'accept' });
    }
    await eventually(
      async () => (await failClosed.verify(token)).reason === 'stale-view',
      'the fail-closed node to refuse',
      30_000,
    );
    // The last reading met came at most a probe interval (and a shutdown's last answers) before the stop.
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(MAX_STALENESS_SECONDS * 1000 - 500);
    expect(await ready(failClosed)).toBe(503);
    expect(await gauge(failClosed, 'tessera_verifier_view_stale')).toBe(1);
    expect(await gauge(failClosed, 'tessera_verifier_view_staleness_seconds')).toBeGreaterThan(MAX_STALENESS_SECONDS);
    // The keep-serving node is just as stale, and still decides from what it holds.
    expect(await gauge(keepServing, 'tessera_verifier_view_stale')).toBe(1);
    expect(await keepServing.verify(token)).toMatchObject({ decision: 'accept' });
    expect(await ready(keepServing)).toBe(200);
  });

  it('recovers when the broker returns: current again, accepting, ready, and learning new revocations', async () => {
    await broker.start();
    await eventually(
      async () => (await failClosed.verify(token)).decision === 'accept',
      'the fail-closed node to accept again',
      60_000,
    );
    expect(await ready(failClosed)).toBe(200);
    expect(await gauge(failClosed, 'tessera_verifier_view_stale')).toBe(0);
    await publish(RevocationUpsertedV1, 'acme', {
      revocationId: randomUUID(),
      subject: { kind: 'device', value: deviceId },
      createdAt: new Date().toISOString(),
      expiresAt: null,
    });
    for (const node of [failClosed, keepServing]) {
      await eventually(
        async () => (await node.verify(token)).reason === 'revoked-device',
        'the revocation after the outage to reach the node',
        60_000,
      );
    }
  });
});
