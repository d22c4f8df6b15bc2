import { EventCatalog } from '../event-catalog';
import type { EventData } from '../event-definition';
import { Topics } from '../topics';
import { ALL_EVENTS } from './index';
import {
  MAX_DOMAINS_PER_TENANT,
  PinConfigVersionUpsertedV1,
  PinRotationUpsertedV1,
  PinViolationReportedV1,
  ProtectedDomainUpsertedV1,
} from './pins.events';

const catalog = new EventCatalog();
const domain: EventData<typeof ProtectedDomainUpsertedV1> = {
  domainId: '7c1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
  pattern: '*.example.com',
  port: 443,
  mode: 'pinned',
  appIds: null,
  pins: [
    { pin: `${'A'.repeat(43)}=`, source: 'leaf', label: null, certificate: null },
    { pin: `${'B'.repeat(43)}=`, source: 'backup', label: 'offline key, safe 2', certificate: null },
  ],
  revision: 1,
  createdAt: '2026-12-02T10:00:00.000Z',
  updatedAt: '2026-12-02T10:00:00.000Z',
};

describe('protected-domain.upserted v1', () => {
  it('is listed, goes to the compacted pins topic and is keyed <tenant>/protected-domain/<id>', () => {
    expect(ALL_EVENTS).toContain(ProtectedDomainUpsertedV1);
    expect(Topics.pins.cleanupPolicy).toBe('compact');
    const envelope = catalog.build(ProtectedDomainUpsertedV1, { tenant: 'acme', producer: 'pins', data: domain });
    expect(envelope.key).toBe(`acme/protected-domain/${domain.domainId}`);
  });

  it.each([
    ['a pattern with a port', { ...domain, pattern: 'api.example.com:443' }],
    ['a pin that is not a SHA-256 in base64', { ...domain, pins: [{ ...domain.pins[0], pin: 'abc' }] }],
    ['no pins', { ...domain, pins: [] }],
    ['port 0', { ...domain, port: 0 }],
    ['an unknown mode', { ...domain, mode: 'trust-me' }],
  ])('refuses %s', (_what, data) => {
    expect(ProtectedDomainUpsertedV1.schema.safeParse(data).success).toBe(false);
  });
});

describe('pin-config-version.upserted v1', () => {
  it('is listed and keyed once per tenant on the pins topic', () => {
    expect(ALL_EVENTS).toContain(PinConfigVersionUpsertedV1);
    const envelope = catalog.build(PinConfigVersionUpsertedV1, {
      tenant: 'acme',
      producer: 'pins',
      data: { version: 7, changedAt: '2026-12-02T10:00:00.000Z' },
    });
    expect(envelope.key).toBe('acme/pin-config-version/acme');
    expect(PinConfigVersionUpsertedV1.schema.safeParse({ version: 0, changedAt: envelope.occurredAt }).success).toBe(
      false,
    );
  });

  it('names the domain revisions it stands for (optional within v1), a revision each, bounded', () => {
    const changedAt = '2026-12-02T10:00:00.000Z';
    const id = domain.domainId;
    const parse = (domainRevisions: unknown) =>
      PinConfigVersionUpsertedV1.schema.safeParse({ version: 2, changedAt, domainRevisions }).success;
    expect(parse({ [id]: 3 })).toBe(true);
    expect(parse({})).toBe(true);
    expect(parse(undefined)).toBe(true);
    expect(parse({ [id]: 0 })).toBe(false);
    expect(parse({ 'not-a-uuid': 1 })).toBe(false);
    const tooMany = Object.fromEntries(
      Array.from({ length: MAX_DOMAINS_PER_TENANT + 1 }, (_, i) => [
        `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
        1,
      ]),
    );
    expect(parse(tooMany)).toBe(false);
  });
});

describe('pin-violation.reported v1', () => {
  const certificate = {
    subject: 'CN=api.example.com',
    issuer: 'CN=Evil Proxy CA',
    notBefore: '2026-11-01T00:00:00.000Z',
    notAfter: '2027-11-01T00:00:00.000Z',
    sha256: 'a'.repeat(64),
  };
  const reported: EventData<typeof PinViolationReportedV1> = {
    reportId: '0b7f5f7e-2c4d-4e8a-9b1c-3d5e7f9a1b2c',
    appId: '7c1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
    identity: 'claimed',
    installationId: 'A'.repeat(43),
    deviceId: null,
    sdkVersion: '1.4.0',
    hostname: 'api.example.com',
    port: 443,
    pattern: '*.example.com',
    expectedPins: [`${'A'.repeat(43)}=`],
    servedChain: [{ pin: `${'C'.repeat(43)}=`, certificate }],
    configVersion: 3,
    occurredAt: '2026-12-02T10:00:00.000Z',
    receivedAt: '2026-12-02T10:00:01.000Z',
    clientIp: '203.0.113.7',
  };

  it('is listed, goes to the append-only pin-violations topic and is keyed <tenant>/<app id>', () => {
    expect(ALL_EVENTS).toContain(PinViolationReportedV1);
    expect(PinViolationReportedV1.topic).toBe(Topics.pinViolations);
    expect(Topics.pinViolations.cleanupPolicy).toBe('delete');
    const envelope = catalog.build(PinViolationReportedV1, { tenant: 'acme', producer: 'pins', data: reported });
    expect(envelope.key).toBe(`acme/${reported.appId}`);
  });

  it.each([
    ['an identity neither verified nor claimed', { ...reported, identity: 'trusted' }],
    ['an empty served chain', { ...reported, servedChain: [] }],
    ['eleven certificates', { ...reported, servedChain: Array.from({ length: 11 }, () => reported.servedChain[0]) }],
    ['a served pin that is not a pin', { ...reported, servedChain: [{ pin: 'abc', certificate }] }],
    ['a host name with a wildcard', { ...reported, hostname: '*.example.com' }],
  ])('refuses %s', (_what, data) => {
    expect(PinViolationReportedV1.schema.safeParse(data).success).toBe(false);
  });
});

describe('pin-rotation.upserted v1', () => {
  const rotation: EventData<typeof PinRotationUpsertedV1> = {
    rotationId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
    domainId: domain.domainId,
    newPins: [{ pin: `${'C'.repeat(43)}=`, source: 'manual', label: 'the 2027 key', certificate: null }],
    retirePins: [`${'A'.repeat(43)}=`],
    startsAt: '2026-12-02T10:00:00.000Z',
    maxConfigLifetimeSeconds: 86_400,
    publishedAt: '2026-12-02T10:00:00.000Z',
    retireAllowedAt: '2026-12-03T10:00:00.000Z',
    switchedAt: null,
    retiredAt: null,
    cancelledAt: null,
    emergency: false,
    createdAt: '2026-12-02T10:00:00.000Z',
    updatedAt: '2026-12-02T10:00:00.000Z',
  };

  it('is listed and keyed <tenant>/pin-rotation/<id> on the compacted pins topic', () => {
    expect(ALL_EVENTS).toContain(PinRotationUpsertedV1);
    const envelope = catalog.build(PinRotationUpsertedV1, { tenant: 'acme', producer: 'pins', data: rotation });
    expect(envelope.key).toBe(`acme/pin-rotation/${rotation.rotationId}`);
    expect(PinRotationUpsertedV1.topic).toBe(Topics.pins);
  });

  it.each([
    ['no new pin', { ...rotation, newPins: [] }],
    ['no pin to retire', { ...rotation, retirePins: [] }],
    ['a retired pin that is not a pin', { ...rotation, retirePins: ['sha256/abc'] }],
    ['a zero wait', { ...rotation, maxConfigLifetimeSeconds: 0 }],
    ['a time without its offset', { ...rotation, publishedAt: '2026-12-02 10:00' }],
  ])('refuses %s', (_what, data) => {
    expect(PinRotationUpsertedV1.schema.safeParse(data).success).toBe(false);
  });
});
