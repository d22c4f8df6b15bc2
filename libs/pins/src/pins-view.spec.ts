import { createHash, randomUUID } from 'node:crypto';
import type { EventData, ProtectedDomainUpsertedV1 } from '@tessera/contracts';
import { PermanentEventError } from '@tessera/messaging';
import { PinsView } from './pins-view';

const pin = (seed: string) => createHash('sha256').update(seed).digest('base64');
const domain = (overrides: Partial<EventData<typeof ProtectedDomainUpsertedV1>> = {}) => ({
  domainId: randomUUID(),
  pattern: 'api.example.com',
  port: 443,
  mode: 'pinned' as const,
  appIds: null,
  pins: [
    { pin: pin('leaf'), source: 'leaf' as const, label: null, certificate: null },
    { pin: pin('backup'), source: 'backup' as const, label: null, certificate: null },
  ],
  revision: 1,
  createdAt: '2026-12-02T10:00:00.000Z',
  updatedAt: '2026-12-02T10:00:00.000Z',
  ...overrides,
});

describe('PinsView', () => {
  it("gives an app the tenant's domains for every app and those naming it, with the tenant's version", () => {
    const view = new PinsView();
    const app = randomUUID();
    view.applyDomain('acme', domain());
    view.applyDomain('acme', domain({ pattern: '*.pay.example.com', appIds: [app] }));
    view.applyDomain('acme', domain({ pattern: 'other.example.com', appIds: [randomUUID()] }));
    view.applyDomain('globex', domain({ pattern: 'globex.example.com' }));
    view.applyVersion('acme', { version: 3, changedAt: '2026-12-02T10:00:00.000Z' });
    expect(view.contentFor('acme', app)).toEqual({
      version: 3,
      domains: [
        { pattern: '*.pay.example.com', pins: [pin('leaf'), pin('backup')] },
        { pattern: 'api.example.com', pins: [pin('leaf'), pin('backup')] },
      ],
    });
    expect(view.contentFor('acme', randomUUID()).domains.map((d) => d.pattern)).toEqual(['api.example.com']);
    expect(view.versionOf('initech')).toBe(0);
  });

  it('merges the pins of one pattern on several ports, replaces a domain on its upsert and drops it on its tombstone', () => {
    const view = new PinsView();
    const first = domain();
    view.applyDomain('acme', first);
    view.applyDomain(
      'acme',
      domain({ port: 8443, pins: [{ pin: pin('other'), source: 'manual', label: null, certificate: null }] }),
    );
    expect(view.contentFor('acme', randomUUID()).domains).toEqual([
      { pattern: 'api.example.com', pins: [pin('leaf'), pin('backup'), pin('other')] },
    ]);
    view.applyDomain('acme', {
      ...first,
      pins: [first.pins[1]!, { ...first.pins[0]!, pin: pin('new leaf') }],
      revision: 2,
    });
    view.applyTombstone(`acme/protected-domain/${first.domainId}`);
    expect(view.contentFor('acme', randomUUID()).domains).toEqual([
      { pattern: 'api.example.com', pins: [pin('other')] },
    ]);
  });

  it('never lowers a version (a redelivery of an older event)', () => {
    const view = new PinsView();
    view.applyVersion('acme', { version: 5, changedAt: '2026-12-02T10:00:00.000Z' });
    view.applyVersion('acme', { version: 4, changedAt: '2026-12-02T09:00:00.000Z' });
    expect(view.versionOf('acme')).toBe(5);
  });

  it('refuses a tombstone that names nothing (dead letter), and ignores one of another kind', () => {
    const view = new PinsView();
    expect(() => {
      view.applyTombstone('not a key');
    }).toThrow(PermanentEventError);
    expect(() => {
      view.applyTombstone('acme/pin-rotation/3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b');
    }).not.toThrow();
  });
});
