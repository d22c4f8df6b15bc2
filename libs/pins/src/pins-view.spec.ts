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
    const at = '2026-12-02T10:00:00.000Z';
    const first = domain();
    const other = domain({
      port: 8443,
      pins: [{ pin: pin('other'), source: 'manual', label: null, certificate: null }],
    });
    view.applyDomain('acme', first);
    view.applyDomain('acme', other);
    view.applyVersion('acme', {
      version: 1,
      changedAt: at,
      domainRevisions: { [first.domainId]: 1, [other.domainId]: 1 },
    });
    expect(view.contentFor('acme', randomUUID()).domains).toEqual([
      { pattern: 'api.example.com', pins: [pin('leaf'), pin('backup'), pin('other')] },
    ]);
    view.applyDomain('acme', {
      ...first,
      pins: [first.pins[1]!, { ...first.pins[0]!, pin: pin('new leaf') }],
      revision: 2,
    });
    view.applyTombstone(`acme/protected-domain/${first.domainId}`);
    view.applyVersion('acme', { version: 3, changedAt: at, domainRevisions: { [other.domainId]: 1 } });
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

  describe('a version and the domains it names, whatever order their partitions deliver them in', () => {
    const at = '2026-12-02T10:00:00.000Z';
    const app = randomUUID();
    const pinsOf = (view: PinsView) => view.contentFor('acme', app).domains.flatMap((d) => d.pins);
    const start = () => {
      const view = new PinsView();
      const first = domain();
      view.applyDomain('acme', first);
      view.applyVersion('acme', { version: 1, changedAt: at, domainRevisions: { [first.domainId]: 1 } });
      const rotated = { ...first, pins: [...first.pins, { ...first.pins[0]!, pin: pin('next') }], revision: 2 };
      return { view, first, rotated };
    };

    it('keeps serving the previous version and its pins while the new version waits for its domain', () => {
      const { view, first, rotated } = start();
      view.applyVersion('acme', { version: 2, changedAt: at, domainRevisions: { [first.domainId]: 2 } });
      expect(view.announcedVersionOf('acme')).toBe(2);
      expect(view.versionOf('acme')).toBe(1);
      expect([...view.versions()]).toEqual([{ tenant: 'acme', served: 1, announced: 2 }]);
      expect(pinsOf(view)).toEqual([pin('leaf'), pin('backup')]);
      view.applyDomain('acme', rotated);
      expect(view.contentFor('acme', app)).toEqual({
        version: 2,
        domains: [{ pattern: 'api.example.com', pins: [pin('leaf'), pin('backup'), pin('next')] }],
      });
    });

    it('never serves new pins under the old version when the domain comes first', () => {
      const { view, first, rotated } = start();
      view.applyDomain('acme', rotated);
      expect(view.contentFor('acme', app)).toEqual({
        version: 1,
        domains: [{ pattern: 'api.example.com', pins: [pin('leaf'), pin('backup')] }],
      });
      view.applyVersion('acme', { version: 2, changedAt: at, domainRevisions: { [first.domainId]: 2 } });
      expect(view.versionOf('acme')).toBe(2);
      expect(pinsOf(view)).toEqual([pin('leaf'), pin('backup'), pin('next')]);
    });

    it('serves a removal once the tombstone is there, and a new domain once it is', () => {
      const { view, first } = start();
      const added = domain({ pattern: 'pay.example.com' });
      view.applyVersion('acme', { version: 2, changedAt: at, domainRevisions: { [added.domainId]: 1 } });
      view.applyDomain('acme', added);
      // The removed domain is still held: version 2 is not what the view holds yet.
      expect(view.versionOf('acme')).toBe(1);
      expect(view.contentFor('acme', app).domains.map((d) => d.pattern)).toEqual(['api.example.com']);
      view.applyTombstone(`acme/protected-domain/${first.domainId}`);
      expect(view.contentFor('acme', app)).toMatchObject({ version: 2, domains: [{ pattern: 'pay.example.com' }] });
    });

    it('ignores a redelivered older revision of a domain', () => {
      const { view, first, rotated } = start();
      view.applyDomain('acme', rotated);
      view.applyVersion('acme', { version: 2, changedAt: at, domainRevisions: { [first.domainId]: 2 } });
      view.applyDomain('acme', first);
      expect(pinsOf(view)).toContain(pin('next'));
      expect(view.versionOf('acme')).toBe(2);
    });

    it('serves a version whose event names no domains (older producers) at once, with the domains held then', () => {
      const view = new PinsView();
      view.applyDomain('acme', domain());
      view.applyVersion('acme', { version: 7, changedAt: at });
      view.applyDomain('acme', domain({ pattern: 'later.example.com' }));
      expect(view.contentFor('acme', app)).toMatchObject({ version: 7, domains: [{ pattern: 'api.example.com' }] });
    });

    it('serves nothing before the first version: no content changes under version 0', () => {
      const view = new PinsView();
      view.applyDomain('acme', domain());
      expect(view.contentFor('acme', app)).toEqual({ version: 0, domains: [] });
    });

    it('serves a version whose domain never comes after maxWaitMs, with the domains held, and says so', () => {
      let now = 1_000;
      const told: unknown[] = [];
      const view = new PinsView({ maxWaitMs: 30_000, now: () => now, onServedInexactly: (e) => told.push(e) });
      const first = domain();
      const lost = randomUUID();
      view.applyDomain('acme', first);
      view.applyVersion('acme', { version: 1, changedAt: at, domainRevisions: { [first.domainId]: 1 } });
      const added = domain({ pattern: 'pay.example.com' });
      view.applyDomain('acme', added);
      view.applyVersion('acme', {
        version: 2,
        changedAt: at,
        domainRevisions: { [first.domainId]: 1, [added.domainId]: 1, [lost]: 1 },
      });
      now += 29_999;
      expect(view.versionOf('acme')).toBe(1);
      expect(told).toEqual([]);
      now += 1;
      expect(view.contentFor('acme', app).version).toBe(2);
      expect(view.contentFor('acme', app).domains.map((d) => d.pattern)).toEqual([
        'api.example.com',
        'pay.example.com',
      ]);
      expect(told).toEqual([{ tenant: 'acme', version: 2, waitedMs: 30_000, missing: [lost] }]);
      expect([...view.versions()]).toEqual([{ tenant: 'acme', served: 2, announced: 2 }]);
      // The next version waits its own time: a moment's gap never skips the gate.
      const rotated = { ...added, revision: 2, pins: [...added.pins, { ...added.pins[0]!, pin: pin('next') }] };
      view.applyVersion('acme', {
        version: 3,
        changedAt: at,
        domainRevisions: { [first.domainId]: 1, [added.domainId]: 2 },
      });
      expect(view.versionOf('acme')).toBe(2);
      view.applyDomain('acme', rotated);
      expect(view.contentFor('acme', app)).toMatchObject({ version: 3 });
      expect(view.contentFor('acme', app).domains.find((d) => d.pattern === 'pay.example.com')?.pins).toContain(
        pin('next'),
      );
      expect(told).toHaveLength(1);
    });
  });
});
