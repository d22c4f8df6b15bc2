import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { RevocationUpsertedV1, SigningKeyUpsertedV1, Topics } from '@tessera/contracts';
import { generateKeyMaterial, signToken } from '@tessera/tokens';
import pino from 'pino';
import { type RunningExample, startExample } from '../../examples/express-api/src/server';
import { genuineClaims, signingKeyEvent } from '../../libs/verifier/src/testing/token-fixtures';
import { eventually } from '../support/eventually';
import { provisionTopics, testKafka } from '../support/messaging-fixture';
import { publishEvent } from '../support/publish-event';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const prefix = `exexpress${uniqueSuffix()}.`;

/** The example's log lines, as JSON: the monitor route's refusals show only there. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('examples/express-api: an Express API holding the view in process (real broker)', () => {
  const material = generateKeyMaterial('ES256');
  const deviceId = `device-${randomUUID()}`;
  const claims = genuineClaims({ request: { deviceId } });
  const { logger, lines } = capturedLogger();
  let example: RunningExample;
  let token: string;

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${example.url}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    await provisionTopics(testKafka(env.kafkaBrokers), prefix, [Topics.keys, Topics.revocations, Topics.deadLetter]);
    await publishEvent(
      env.kafkaBrokers,
      prefix,
      SigningKeyUpsertedV1,
      'acme',
      signingKeyEvent('example-key-1', material),
    );
    token = await signToken({ kid: 'example-key-1', alg: 'ES256', privateKey: material.privateKey }, claims);
    example = await startExample({
      brokers: env.kafkaBrokers,
      topicPrefix: prefix,
      host: '127.0.0.1',
      port: 0,
      logger,
    });
    await example.tessera.ready;
    await eventually(async () => (await get('/health/ready')).status === 200, 'the example to be ready');
  });

  afterAll(async () => {
    await example.close();
  });

  it('enforce route: a genuine token reaches the handler, with its identity', async () => {
    await expect(get('/api/orders', { 'tessera-token': token })).resolves.toEqual({
      status: 200,
      body: { orders: [], tenant: 'acme', app: claims.sub, device: deviceId, registration: claims.reg },
    });
  });

  it('enforce route: no token is 401 missing; monitor route: let through, without an identity, and logged', async () => {
    await expect(get('/api/orders')).resolves.toEqual({ status: 401, body: { statusCode: 401, reason: 'missing' } });
    await expect(get('/api/catalog')).resolves.toEqual({
      status: 200,
      body: { items: ['tea', 'coffee'], tessera: null },
    });
    await expect(get('/api/catalog', { 'tessera-token': token })).resolves.toMatchObject({
      status: 200,
      body: { tessera: { tenant: 'acme', app: claims.sub, device: deviceId } },
    });
    expect(lines).toContainEqual(expect.objectContaining({ mode: 'monitor', reason: 'missing' }));
  });

  it('refuses the device once it is revoked, by push', async () => {
    await publishEvent(env.kafkaBrokers, prefix, RevocationUpsertedV1, 'acme', {
      revocationId: randomUUID(),
      subject: { kind: 'device', value: deviceId },
      createdAt: new Date().toISOString(),
      expiresAt: null,
    });
    await eventually(
      async () => (await get('/api/orders', { 'tessera-token': token })).status === 401,
      'the revocation to reach the example',
    );
    await expect(get('/api/orders', { 'tessera-token': token })).resolves.toEqual({
      status: 401,
      body: { statusCode: 401, reason: 'revoked-device' },
    });
    // Monitored: still let through, now without an identity.
    await expect(get('/api/catalog', { 'tessera-token': token })).resolves.toMatchObject({ body: { tessera: null } });
  });
});
