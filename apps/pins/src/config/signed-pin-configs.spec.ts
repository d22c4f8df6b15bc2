import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { EventData, ProtectedDomainUpsertedV1 } from '@tessera/contracts';
import { PinsView } from '@tessera/pins';
import { decodeJwt } from 'jose';
import type { PinConfigKeys } from './pin-config-keys';
import { SignedPinConfigs } from './signed-pin-configs';

const pin = (seed: string) => createHash('sha256').update(seed).digest('base64');
const APP = randomUUID();
const domainId = randomUUID();
const domain = (pins: string[], revision: number): EventData<typeof ProtectedDomainUpsertedV1> => ({
  domainId,
  pattern: 'api.example.com',
  port: 443,
  mode: 'pinned',
  appIds: null,
  pins: pins.map((value, i) => ({ pin: value, source: i === 0 ? 'manual' : 'backup', label: null, certificate: null })),
  revision,
  createdAt: '2026-12-02T10:00:00.000Z',
  updatedAt: '2026-12-02T10:00:00.000Z',
});
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keys = { signingKey: () => Promise.resolve({ key: { privateKey, kid: 'pins-1' } }) } as unknown as PinConfigKeys;
const pinsIn = (config: string) => (decodeJwt(config) as { domains: { pins: string[] }[] }).domains[0]?.pins;

describe('SignedPinConfigs', () => {
  it('signs once per version and content, and serves the signed config from memory', async () => {
    const view = new PinsView();
    view.applyDomain('acme', domain([pin('leaf'), pin('backup')], 1));
    view.applyVersion('acme', { version: 1, changedAt: '2026-12-02T10:00:00.000Z' });
    const configs = new SignedPinConfigs(view, keys, 3600);
    const first = await configs.configFor('acme', APP);
    expect(await configs.configFor('acme', APP)).toBe(first);
    expect(first.version).toBe(1);
  });

  it("never signs a version with another version's pins, whichever of the two events comes first", async () => {
    const view = new PinsView();
    view.applyDomain('acme', domain([pin('leaf'), pin('backup')], 1));
    view.applyVersion('acme', {
      version: 1,
      changedAt: '2026-12-02T10:00:00.000Z',
      domainRevisions: { [domainId]: 1 },
    });
    const configs = new SignedPinConfigs(view, keys, 3600);
    await configs.configFor('acme', APP);
    // The rotation's version event first, a request, then its domain event.
    view.applyVersion('acme', {
      version: 2,
      changedAt: '2026-12-02T10:01:00.000Z',
      domainRevisions: { [domainId]: 2 },
    });
    const between = await configs.configFor('acme', APP);
    expect(between.version).toBe(1);
    expect(pinsIn(between.config)).toEqual([pin('leaf'), pin('backup')]);
    view.applyDomain('acme', domain([pin('leaf'), pin('backup'), pin('next')], 2));
    const after = await configs.configFor('acme', APP);
    expect(after.version).toBe(2);
    expect(pinsIn(after.config)).toEqual([pin('leaf'), pin('backup'), pin('next')]);
  });

  it('signs again when a version served without all its domains gets them (the content changes, not the version)', async () => {
    let now = 0;
    const view = new PinsView({ maxWaitMs: 1000, now: () => now });
    const other = randomUUID();
    view.applyDomain('acme', domain([pin('leaf'), pin('backup')], 1));
    view.applyVersion('acme', {
      version: 1,
      changedAt: '2026-12-02T10:00:00.000Z',
      domainRevisions: { [domainId]: 1, [other]: 1 },
    });
    now = 1000;
    const configs = new SignedPinConfigs(view, keys, 3600);
    const inexact = await configs.configFor('acme', APP);
    expect(inexact.version).toBe(1);
    view.applyDomain('acme', {
      ...domain([pin('other'), pin('other backup')], 1),
      domainId: other,
      pattern: 'b.example.com',
    });
    const exact = await configs.configFor('acme', APP);
    expect(exact.version).toBe(1);
    expect(exact.config).not.toBe(inexact.config);
    expect((decodeJwt(exact.config) as { domains: unknown[] }).domains).toHaveLength(2);
  });
});
