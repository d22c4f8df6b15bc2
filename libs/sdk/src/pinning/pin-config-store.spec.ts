import { createHash, generateKeyPairSync } from 'node:crypto';
import { PinConfigStore } from './pin-config-store';
import { PIN_APP_ID, PIN_NOW, pinsSigner } from './testing/pin-world';

const spki = () =>
  new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }));
const pinOf = (der: Uint8Array) => createHash('sha256').update(der).digest('base64');

const leaf = spki();
const intermediate = spki();
const backup = spki();
const attacker = spki();
const signer = pinsSigner();
const domains = [
  { pattern: 'api.example.com', pins: [pinOf(leaf), pinOf(backup)] },
  { pattern: '*.example.com', pins: [pinOf(intermediate), pinOf(backup)] },
];

let time = PIN_NOW;
const options = { keys: signer.keys, tenant: 'acme', appId: PIN_APP_ID, now: () => time };
const storeAt = async (version: number, exp?: number) =>
  PinConfigStore.fromInitialConfig(
    await signer.sign({ version, domains, ...(exp === undefined ? {} : { exp }) }),
    options,
  );

beforeEach(() => {
  time = PIN_NOW;
});

describe('PinConfigStore: the config in force', () => {
  it('starts from the initial config shipped with the app', async () => {
    const store = await storeAt(3);
    expect(store.version).toBe(3);
    expect(store.config.domains).toEqual(domains);
    expect(store.expired()).toBe(false);
  });

  it.each([
    ['signed by another key', async () => pinsSigner().sign({ version: 3, domains }), /bad-signature|unknown-key/],
    [
      "another app's",
      async () => signer.sign({ version: 3, domains, appId: '00000000-0000-4000-8000-000000000000' }),
      /wrong-app/,
    ],
    ['not a JWS at all', () => Promise.resolve('{"version":3}'), /malformed/],
  ])('refuses to start from an initial config %s', async (_what, initial, reason) => {
    await expect(PinConfigStore.fromInitialConfig(await initial(), options)).rejects.toThrow(reason);
  });

  it('takes an old build’s expired initial config, and enforces it, until an update comes', async () => {
    const store = await storeAt(3, Math.floor(PIN_NOW / 1000) - 1);
    expect(store.expired()).toBe(true);
    await expect(store.checkPins('api.example.com', [attacker])).resolves.toMatchObject({ ok: false });
    await expect(store.update(await signer.sign({ version: 4, domains }))).resolves.toEqual({
      adopted: true,
      version: 4,
    });
    expect(store.expired()).toBe(false);
  });

  it('keeps enforcing a config past its expiry: blocking updates does not turn pinning off', async () => {
    const store = await storeAt(3);
    time = (store.config.exp + 1) * 1000;
    expect(store.expired()).toBe(true);
    await expect(store.checkPins('api.example.com', [attacker])).resolves.toMatchObject({ ok: false });
    await expect(store.checkPins('api.example.com', [leaf])).resolves.toMatchObject({ ok: true, pinned: true });
  });
});

describe('PinConfigStore.update', () => {
  it('adopts a newer config that verifies', async () => {
    const store = await storeAt(3);
    const newer = [{ pattern: 'api.example.com' as const, pins: [pinOf(attacker), pinOf(backup)] }];
    await expect(store.update(await signer.sign({ version: 4, domains: newer }))).resolves.toEqual({
      adopted: true,
      version: 4,
    });
    await expect(store.checkPins('api.example.com', [attacker])).resolves.toMatchObject({ ok: true, pinned: true });
  });

  it.each([
    ['an older version', () => signer.sign({ version: 2, domains: [] }), 'not-newer'],
    ['the same version', () => signer.sign({ version: 3, domains: [] }), 'not-newer'],
    [
      'a bad signature',
      async () => `${(await signer.sign({ version: 9, domains: [] })).slice(0, -6)}AAAAAA`,
      'bad-signature',
    ],
    ['another key', () => pinsSigner('pins-1').sign({ version: 9, domains: [] }), 'bad-signature'],
    ["another app's", () => signer.sign({ version: 9, domains: [], tenant: 'globex' }), 'wrong-app'],
    ['an expired one', () => signer.sign({ version: 9, domains: [], exp: Math.floor(PIN_NOW / 1000) - 1 }), 'expired'],
  ])('does not adopt %s, and keeps the config in force', async (_what, jws, reason) => {
    const store = await storeAt(3);
    await expect(store.update(await jws())).resolves.toMatchObject({ adopted: false, reason });
    expect(store.version).toBe(3);
    expect(store.config.domains).toEqual(domains);
  });

  it('adopts the same version re-signed to expire later (a renewal), so an expiring config is replaced', async () => {
    const store = await storeAt(3);
    const renewed = await signer.sign({ version: 3, domains, exp: store.config.exp + 3600 });
    await expect(store.update(renewed)).resolves.toEqual({ adopted: true, version: 3 });
    await expect(store.update(renewed)).resolves.toMatchObject({ adopted: false, reason: 'not-newer' });
  });

  it('ends at the newest of concurrent updates, whatever order they verify in', async () => {
    const store = await storeAt(3);
    const results = await Promise.all(
      [5, 4, 6, 4].map(async (version) => store.update(await signer.sign({ version, domains }))),
    );
    expect(store.version).toBe(6);
    expect(results.filter((result) => result.adopted).length).toBeGreaterThanOrEqual(1);
  });
});

describe('PinConfigStore.checkPins', () => {
  it('passes a chain whose leaf is pinned, and one whose only pinned key is the backup', async () => {
    const store = await storeAt(3);
    await expect(store.checkPins('api.example.com', [leaf, intermediate])).resolves.toEqual({
      ok: true,
      pinned: true,
      pattern: 'api.example.com',
    });
    await expect(store.checkPins('API.example.com.', [backup])).resolves.toMatchObject({ ok: true, pinned: true });
  });

  it('refuses a chain with none of the pins, saying what was expected and what was served', async () => {
    const store = await storeAt(3);
    // The intermediate's pin is the wildcard's, not the exact pattern's: the exact pattern decides.
    await expect(store.checkPins('api.example.com', [attacker, intermediate])).resolves.toEqual({
      ok: false,
      violation: {
        host: 'api.example.com',
        pattern: 'api.example.com',
        expectedPins: [pinOf(leaf), pinOf(backup)],
        servedPins: [pinOf(attacker), pinOf(intermediate)],
        configVersion: 3,
      },
    });
  });

  it('pins a host one label below a wildcard, and nothing deeper or above', async () => {
    const store = await storeAt(3);
    await expect(store.checkPins('www.example.com', [attacker, intermediate])).resolves.toMatchObject({
      ok: true,
      pattern: '*.example.com',
    });
    await expect(store.checkPins('www.example.com', [attacker])).resolves.toMatchObject({ ok: false });
    await expect(store.checkPins('a.b.example.com', [attacker])).resolves.toEqual({ ok: true, pinned: false });
    await expect(store.checkPins('example.com', [attacker])).resolves.toEqual({ ok: true, pinned: false });
  });

  it('lets a host no pattern covers pass, and refuses a pinned one with an empty chain', async () => {
    const store = await storeAt(3);
    await expect(store.checkPins('other.org', [attacker])).resolves.toEqual({ ok: true, pinned: false });
    await expect(store.checkPins('api.example.com', [])).resolves.toMatchObject({ ok: false });
  });
});
