import { EventCatalog } from '../event-catalog';
import type { EventData } from '../event-definition';
import { Topics } from '../topics';
import { ALL_EVENTS } from './index';
import { TokenIssuedV1 } from './token.events';

const catalog = new EventCatalog();
const issued: EventData<typeof TokenIssuedV1> = {
  jti: '9f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
  outcome: 'failure',
  appId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  registrationId: null,
  deviceId: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  installationKeyThumbprint: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  kid: 'k1a2b3c4d5e6f7g8',
  alg: 'ES256',
  issuedAt: '2026-12-01T10:00:00.000Z',
  expiresAt: '2026-12-01T10:05:00.000Z',
  bound: false,
  clientIp: '203.0.113.7',
};

describe('token.issued v1', () => {
  it('is listed, goes to the append-only tokens topic and is keyed <tenant>/<app id>', () => {
    expect(ALL_EVENTS).toContain(TokenIssuedV1);
    expect(TokenIssuedV1.topic).toBe(Topics.tokens);
    expect(Topics.tokens.cleanupPolicy).toBe('delete');
    const envelope = catalog.build(TokenIssuedV1, { tenant: 'acme', producer: 'token', data: issued });
    expect(envelope.key).toBe(`acme/${issued.appId}`);
  });

  it.each([
    ['an unknown outcome', { ...issued, outcome: 'maybe' }],
    ['a jti that is not a UUID', { ...issued, jti: 'abc' }],
    ['a thumbprint of the wrong length', { ...issued, installationKeyThumbprint: 'abc' }],
  ])('refuses %s', (_what, data) => {
    expect(TokenIssuedV1.schema.safeParse(data).success).toBe(false);
  });
});
