import { EventCatalog } from '../event-catalog';
import type { EventData } from '../event-definition';
import { Topics } from '../topics';
import { AttestationRecordedV1 } from './attestation.events';
import { ALL_EVENTS } from './index';

const catalog = new EventCatalog();
const recorded: EventData<typeof AttestationRecordedV1> = {
  attestationId: '5d1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
  appId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  verdict: 'fail',
  reasons: ['rooted-or-jailbroken', 'unregistered-build'],
  monitored: ['proxy'],
  registrationId: null,
  deviceId: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  installationKeyThumbprint: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  platform: 'android',
  sdkVersion: '1.0.0',
  jti: '9f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
  latencyMs: 12.5,
  clientIp: '203.0.113.7',
};

describe('attestation.recorded v1', () => {
  it('is listed, goes to the append-only attestations topic and is keyed <tenant>/<app id>', () => {
    expect(ALL_EVENTS).toContain(AttestationRecordedV1);
    expect(AttestationRecordedV1.topic).toBe(Topics.attestations);
    expect(Topics.attestations.cleanupPolicy).toBe('delete');
    const envelope = catalog.build(AttestationRecordedV1, { tenant: 'acme', producer: 'integrity', data: recorded });
    expect(envelope.key).toBe(`acme/${recorded.appId}`);
  });

  it('takes an attestation that got no further than its evidence', () => {
    const early = {
      ...recorded,
      reasons: ['bad-signature'],
      monitored: [],
      deviceId: null,
      installationKeyThumbprint: null,
      platform: null,
      sdkVersion: null,
      jti: null,
    };
    expect(AttestationRecordedV1.schema.safeParse(early).success).toBe(true);
  });

  it.each([
    ['an unknown reason', { ...recorded, reasons: ['looked-odd'] }],
    ['an unknown verdict', { ...recorded, verdict: 'maybe' }],
    ['a negative latency', { ...recorded, latencyMs: -1 }],
  ])('refuses %s', (_what, data) => {
    expect(AttestationRecordedV1.schema.safeParse(data).success).toBe(false);
  });
});
