import { randomUUID } from 'node:crypto';
import type { SealedValue } from '@tessera/contracts';
import { SecureStringsView } from './secure-strings-view';

const sealed = (tag: string): SealedValue => ({ alg: 'A256GCM', kekId: 'k1', iv: 'aXY=', ciphertext: 'Y3Q=', tag });

describe('SecureStringsView', () => {
  it("holds each app's strings by name, sealed, apart from other apps and tenants", () => {
    const view = new SecureStringsView();
    const app = randomUUID();
    const apiKey = { secureStringId: randomUUID(), appId: app, name: 'apiKey', version: 1, sealed: sealed('dA==') };
    view.apply('acme', apiKey);
    view.apply('acme', {
      secureStringId: randomUUID(),
      appId: randomUUID(),
      name: 'other',
      version: 1,
      sealed: sealed('dQ=='),
    });
    view.apply('globex', { ...apiKey, secureStringId: randomUUID() });
    expect(view.of('acme', app)).toEqual([
      { secureStringId: apiKey.secureStringId, name: 'apiKey', version: 1, sealed: apiKey.sealed },
    ]);
  });

  it('replaces a string on its next version and forgets it on its tombstone', () => {
    const view = new SecureStringsView();
    const app = randomUUID();
    const id = randomUUID();
    view.apply('acme', { secureStringId: id, appId: app, name: 'apiKey', version: 1, sealed: sealed('dA==') });
    view.apply('acme', { secureStringId: id, appId: app, name: 'apiKey', version: 2, sealed: sealed('dg==') });
    expect(view.of('acme', app).map((s) => s.version)).toEqual([2]);
    view.applyTombstone(`acme/secure-string/${id}`);
    expect(view.of('acme', app)).toEqual([]);
    // Tombstones of other entities, and of strings it never held, change nothing.
    expect(() => {
      view.applyTombstone(`acme/app/${app}`);
    }).not.toThrow();
    expect(() => {
      view.applyTombstone(`acme/secure-string/${randomUUID()}`);
    }).not.toThrow();
  });
});
