import { randomUUID } from 'node:crypto';
import { RevocationUpsertedV1, SigningKeyUpsertedV1, Topics } from '@tessera/contracts';
import { generateKeyMaterial, signToken } from '@tessera/tokens';
import { startVerifierView } from '@tessera/verifier';
import { Registry } from 'prom-client';
import { genuineClaims, signingKeyEvent } from '../../libs/verifier/src/testing/token-fixtures';
import { eventually } from '../support/eventually';
import { consumerGroups } from '../support/kafka-probe';
import { provisionTopics, testKafka } from '../support/messaging-fixture';
import { publishEvent } from '../support/publish-event';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const prefix = `inproc${uniqueSuffix()}.`;
const material = generateKeyMaterial('ES256');
const tokenFor = (deviceId: string) =>
  signToken(
    { kid: 'inproc-key-1', alg: 'ES256', privateKey: material.privateKey },
    genuineClaims({ request: { deviceId } }),
  );
const revokeDevice = (deviceId: string) =>
  publishEvent(env.kafkaBrokers, prefix, RevocationUpsertedV1, 'acme', {
    revocationId: randomUUID(),
    subject: { kind: 'device', value: deviceId },
    createdAt: new Date().toISOString(),
    expiresAt: null,
  });

describe('startVerifierView: a verifier view held in this process (real broker)', () => {
  beforeAll(async () => {
    await provisionTopics(testKafka(env.kafkaBrokers), prefix, [Topics.keys, Topics.revocations, Topics.deadLetter]);
    await publishEvent(
      env.kafkaBrokers,
      prefix,
      SigningKeyUpsertedV1,
      'acme',
      signingKeyEvent('inproc-key-1', material),
    );
  });

  it('rebuilds keys and revocations from the topics, is ready once caught up, then learns revocations by push', async () => {
    const revokedEarlier = `device-${randomUUID()}`;
    await revokeDevice(revokedEarlier);
    const metricsRegistry = new Registry();
    const tessera = startVerifierView({
      brokers: env.kafkaBrokers,
      topicPrefix: prefix,
      staleness: { maxStalenessMs: 10_000, whenStale: 'fail-closed' },
      freshnessProbeMs: 250,
      metricsRegistry,
    });
    try {
      expect(tessera.isReady()).toBe(false);
      await tessera.ready;
      await eventually(() => tessera.isReady(), 'the view to count as ready');
      expect(tessera.view.keys.find('inproc-key-1')).toMatchObject({ state: 'active' });

      const device = `device-${randomUUID()}`;
      const token = await tokenFor(device);
      await expect(tessera.verifier.verify(token, {})).resolves.toMatchObject({ accepted: true, tenant: 'acme' });
      await expect(tessera.verifier.verify(await tokenFor(revokedEarlier), {})).resolves.toMatchObject({
        accepted: false,
        reason: 'revoked-device',
      });

      await revokeDevice(device);
      await eventually(
        async () => !(await tessera.verifier.verify(token, {})).accepted,
        'the revocation to reach the view',
      );
      await expect(tessera.verifier.verify(token, {})).resolves.toMatchObject({ reason: 'revoked-device' });
      // The consumer's metrics went to the registry given.
      expect(await metricsRegistry.metrics()).toContain('tessera_kafka_messages_consumed_total');
      expect(await consumerGroups(env.kafkaBrokers)).toContain(`${prefix}tessera-verifier-${tessera.view.nodeId}`);
    } finally {
      await tessera.stop();
    }
    // Its stop is the last: the view's group goes with it, not left for Kafka to keep a week.
    expect(await consumerGroups(env.kafkaBrokers)).not.toContain(`${prefix}tessera-verifier-${tessera.view.nodeId}`);
  });

  it('without a broker: not ready, fail-closed refuses as stale-view, and a stop ends the wait for ready', async () => {
    const tessera = startVerifierView({
      brokers: ['127.0.0.1:1'],
      topicPrefix: prefix,
      staleness: { maxStalenessMs: 10_000, whenStale: 'fail-closed' },
    });
    await expect(tessera.verifier.verify(await tokenFor('any-device'), {})).resolves.toMatchObject({
      accepted: false,
      reason: 'stale-view',
    });
    expect(tessera.isReady()).toBe(false);
    const stoppingAt = Date.now();
    await tessera.stop();
    expect(Date.now() - stoppingAt).toBeLessThan(6000);
    await expect(tessera.ready).rejects.toThrow('stopped before it caught up');
  });
});
