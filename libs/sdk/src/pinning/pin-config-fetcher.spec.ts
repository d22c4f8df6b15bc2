import { inspect } from 'node:util';
import { clientWorld } from '../testing/client-world';
import type { TesseraToken } from '../tessera-token';
import { PinConfigFetcher, type PinConfigFetcherOptions, type PinConfigRefresh } from './pin-config-fetcher';
import { PinConfigStore } from './pin-config-store';
import type { SecureStrings } from './secure-strings';
import { PIN_APP_ID, PIN_NOW, pinsSigner } from './testing/pin-world';

const PIN = 'pL1+qb9HTMRZJmuC/bB/ZI9d302BYrrqiVuRyW+DGrU=';
const SECRET = 'sk_live_do_not_log_me';
const domains = [{ pattern: 'api.example.com', pins: [PIN] }];
const HOUR = 3_600_000;
const token = (pinConfigVersion: number | null, value = 'token-1'): TesseraToken => ({
  token: value,
  expiresAt: new Date(PIN_NOW + 300_000).toISOString(),
  lifetimeSeconds: 300,
  pinConfigVersion,
});

/**
 * A pins service answering GET /v1/config with whatever the test puts in `answer`: by default version 4 of the
 * config and one secure string.
 */
async function world(initialVersion = 3, options: Partial<PinConfigFetcherOptions> = {}) {
  const signer = pinsSigner();
  let time = PIN_NOW;
  const store = await PinConfigStore.fromInitialConfig(await signer.sign({ version: initialVersion, domains }), {
    keys: signer.keys,
    tenant: 'acme',
    appId: PIN_APP_ID,
    now: () => time,
  });
  const requests: { url: string; token: string | null }[] = [];
  const answerOf = async (version: number, secureStrings: unknown = { paymentsApiKey: SECRET }) =>
    Response.json({ config: await signer.sign({ version, domains }), version, secureStrings });
  let answer: () => Promise<Response> = () => answerOf(4);
  const told: (SecureStrings | undefined)[] = [];
  const fetcher = new PinConfigFetcher({
    store,
    pinsBaseUrl: 'https://pins.test/tessera/',
    fetch: (input, init) => {
      requests.push({ url: input as string, token: new Headers(init?.headers).get('tessera-token') });
      return answer();
    },
    requestTimeoutMs: 200,
    onSecureStrings: (strings) => told.push(strings),
    now: () => time,
    ...options,
  });
  return {
    signer,
    store,
    fetcher,
    requests,
    told,
    answerOf,
    answer: (next: () => Promise<Response>) => {
      answer = next;
    },
    advance: (ms: number) => {
      time += ms;
    },
  };
}

/** A world whose fetcher holds the secure strings already (fetched with the shipped version: nothing newer). */
async function primed(initialVersion = 3) {
  const w = await world(initialVersion);
  w.answer(() => w.answerOf(initialVersion));
  await expect(w.fetcher.refresh(token(initialVersion, 'token-0'))).resolves.toEqual({
    outcome: 'current',
    version: initialVersion,
  });
  w.requests.length = 0;
  w.told.length = 0;
  w.answer(() => w.answerOf(4));
  return w;
}

describe('PinConfigFetcher: the config', () => {
  it('fetches the config with the token when the token names a newer version, and the store adopts it', async () => {
    const { fetcher, store, requests } = await primed();
    await expect(fetcher.refresh(token(4))).resolves.toEqual({ outcome: 'adopted', version: 4 });
    expect(requests).toEqual([{ url: 'https://pins.test/tessera/v1/config', token: 'token-1' }]);
    expect(store.version).toBe(4);
  });

  it.each([
    ['the same version', 3],
    ['an older version', 2],
    ['no version (no pins service)', null],
  ])('makes no request when the token names %s and the secure strings are held', async (_what, version) => {
    const { fetcher, requests } = await primed();
    await expect(fetcher.refresh(token(version))).resolves.toEqual({ outcome: 'current', version: 3 });
    expect(requests).toEqual([]);
  });

  it('asks at every refresh once the config in force has expired, whatever the token names', async () => {
    const { fetcher, store, requests, advance } = await primed();
    advance((store.config.exp + 1) * 1000 - PIN_NOW);
    // The service's config is signed for the clock of the test, so by now it is expired too: refused, still asked.
    await expect(fetcher.refresh(token(3))).resolves.toMatchObject({ outcome: 'refused', reason: 'expired' });
    await expect(fetcher.refresh(token(3))).resolves.toMatchObject({ outcome: 'refused', reason: 'expired' });
    expect(requests).toHaveLength(2);
    expect(store.version).toBe(3);
  });

  it('says refused, not current, when the token names a newer config and the service sends one not newer', async () => {
    const { fetcher, answer, answerOf } = await primed();
    answer(() => answerOf(3));
    await expect(fetcher.refresh(token(4))).resolves.toMatchObject({ outcome: 'refused', reason: 'not-newer' });
  });

  it('keeps the config in force when the service sends one that does not verify', async () => {
    const { fetcher, store, answer } = await primed();
    answer(async () =>
      Response.json({ config: await pinsSigner().sign({ version: 4, domains: [] }), version: 4, secureStrings: {} }),
    );
    await expect(fetcher.refresh(token(4))).resolves.toMatchObject({ outcome: 'refused', reason: 'bad-signature' });
    expect(store.version).toBe(3);
  });

  it.each([
    ['a 500', () => Promise.resolve(new Response('{"statusCode":500}', { status: 500 })), /answered 500/],
    ['an answer off the contract', () => Promise.resolve(Response.json({ pins: [] })), /does not fit the contract/],
    ['a body that is not JSON', () => Promise.resolve(new Response('<html>')), /GET \/v1\/config: /],
    ['a network failure', () => Promise.reject(new TypeError('fetch failed')), /TypeError: fetch failed/],
    [
      'no answer in time',
      () =>
        new Promise<Response>((_resolve, reject) =>
          setTimeout(() => {
            reject(new Error('aborted'));
          }, 1000),
        ),
      /no answer within 200 ms/,
    ],
  ])(
    'fails without throwing on %s; the config in force and the secure strings held stay',
    async (_what, next, detail) => {
      const { fetcher, store, answer, told } = await primed();
      answer(next);
      await expect(fetcher.refresh(token(4))).resolves.toEqual({
        outcome: 'failed',
        detail: expect.stringMatching(detail) as unknown,
      });
      expect(store.version).toBe(3);
      expect(fetcher.secureString('paymentsApiKey')).toBe(SECRET);
      expect(told).toEqual([]);
    },
  );

  it('makes one request for concurrent refreshes', async () => {
    const { fetcher, requests } = await primed();
    const results = await Promise.all([
      fetcher.refresh(token(4)),
      fetcher.refresh(token(4)),
      fetcher.refresh(token(4)),
    ]);
    expect(requests).toHaveLength(1);
    expect(results).toEqual(Array(3).fill({ outcome: 'adopted', version: 4 }));
  });

  it("does not answer a refresh with another token's request: a new token after a refused one is asked with", async () => {
    const { fetcher, requests, answer, answerOf } = await primed();
    // The old token's request is answered 401; the new one, sent meanwhile, is asked anew after it.
    let call = 0;
    answer(() => {
      call += 1;
      return call === 1
        ? Promise.resolve(new Response('{"statusCode":401,"requestId":"r"}', { status: 401 }))
        : answerOf(4);
    });
    const [old, fresh] = await Promise.all([
      fetcher.refresh(token(4, 'old-token')),
      fetcher.refresh(token(4, 'new-token')),
    ]);
    expect(old).toMatchObject({ outcome: 'unauthorized' });
    expect(fresh).toEqual({ outcome: 'adopted', version: 4 });
    expect(requests.map((r) => r.token)).toEqual(['old-token', 'new-token']);
    expect(fetcher.secureString('paymentsApiKey')).toBe(SECRET);
  });

  it('refreshes from a client, and fails without throwing when the client has no token', async () => {
    const { fetcher } = await primed();
    await expect(fetcher.refreshFrom({ token: () => Promise.resolve(token(4)) })).resolves.toMatchObject({
      outcome: 'adopted',
    });
    await expect(fetcher.refreshFrom({ token: () => Promise.reject(new Error('offline')) })).resolves.toEqual({
      outcome: 'failed',
      detail: 'no token: offline',
    });
  });

  it('sends no bound token (the pins service refuses them)', async () => {
    const { fetcher, requests } = await primed();
    await expect(fetcher.refresh({ ...token(4), binding: 'x'.repeat(43) })).resolves.toMatchObject({
      outcome: 'failed',
      detail: expect.stringMatching(/bound token/) as unknown,
    });
    expect(requests).toEqual([]);
  });
});

describe('PinConfigFetcher: the secure strings', () => {
  it('fetches them with the first token of the process even when it names no newer config', async () => {
    const { fetcher, requests, answer, answerOf, told } = await world();
    expect(fetcher.secureStrings).toBeUndefined();
    expect(fetcher.secureString('paymentsApiKey')).toBeUndefined();
    answer(() => answerOf(3));
    await expect(fetcher.refresh(token(3))).resolves.toEqual({ outcome: 'current', version: 3 });
    expect(requests).toHaveLength(1);
    expect(fetcher.secureString('paymentsApiKey')).toBe(SECRET);
    expect(fetcher.secureString('other')).toBeUndefined();
    expect(fetcher.secureStrings).toMatchObject({ names: ['paymentsApiKey'], size: 1, receivedAt: PIN_NOW });
    expect(told).toEqual([fetcher.secureStrings]);
    // Held: the next tokens ask for nothing.
    await expect(fetcher.refresh(token(3, 'token-2'))).resolves.toEqual({ outcome: 'current', version: 3 });
    expect(requests).toHaveLength(1);
  });

  it('takes the config and the secure strings of the same answer', async () => {
    const { fetcher, store } = await world();
    await expect(fetcher.refresh(token(4))).resolves.toEqual({ outcome: 'adopted', version: 4 });
    expect(store.version).toBe(4);
    expect(fetcher.secureString('paymentsApiKey')).toBe(SECRET);
  });

  it('holds an app with no secure strings as such, and does not ask again for them', async () => {
    const { fetcher, requests, answer, answerOf } = await world();
    answer(() => answerOf(3, {}));
    await fetcher.refresh(token(3));
    await fetcher.refresh(token(3, 'token-2'));
    expect(requests).toHaveLength(1);
    expect(fetcher.secureStrings?.size).toBe(0);
  });

  it('asks again once those held are older than secureStringsMaxAgeMs (an hour by default), and replaces them', async () => {
    const { fetcher, requests, answer, answerOf, advance, told } = await primed();
    answer(() => answerOf(3, { paymentsApiKey: 'sk_live_rotated' }));
    advance(HOUR - 1);
    await expect(fetcher.refresh(token(3))).resolves.toEqual({ outcome: 'current', version: 3 });
    expect(requests).toHaveLength(0);
    advance(1);
    await expect(fetcher.refresh(token(3))).resolves.toEqual({ outcome: 'current', version: 3 });
    expect(requests).toHaveLength(1);
    expect(fetcher.secureString('paymentsApiKey')).toBe('sk_live_rotated');
    expect(fetcher.secureStrings?.receivedAt).toBe(PIN_NOW + HOUR);
    expect(told).toHaveLength(1);
  });

  it('takes a max age of its own, and refuses one that is not a positive number', async () => {
    const { fetcher, requests, answer, answerOf, advance } = await world(3, { secureStringsMaxAgeMs: 60_000 });
    answer(() => answerOf(3));
    await fetcher.refresh(token(3));
    advance(60_000);
    await fetcher.refresh(token(3));
    expect(requests).toHaveLength(2);
    const { store } = await world();
    for (const secureStringsMaxAgeMs of [0, -1, Number.NaN]) {
      expect(() => new PinConfigFetcher({ store, pinsBaseUrl: 'https://pins.test', secureStringsMaxAgeMs })).toThrow(
        /secureStringsMaxAgeMs/,
      );
    }
  });

  it('on a 401 keeps the config in force, drops the secure strings, says so, and does not send that token again', async () => {
    const { fetcher, store, requests, answer, told } = await primed();
    answer(() => Promise.resolve(new Response('{"statusCode":401,"requestId":"r"}', { status: 401 })));
    await expect(fetcher.refresh(token(4))).resolves.toEqual({
      outcome: 'unauthorized',
      detail:
        'GET /v1/config answered 401: the token was refused; the config in force stays, the secure strings held were dropped',
    });
    expect(store.version).toBe(3);
    expect(fetcher.secureStrings).toBeUndefined();
    expect(fetcher.secureString('paymentsApiKey')).toBeUndefined();
    expect(told).toEqual([undefined]);
    // The same token is refused again without a request, whatever it is wanted for; a new one is tried.
    await expect(fetcher.refresh(token(4))).resolves.toMatchObject({ outcome: 'unauthorized' });
    expect(requests).toHaveLength(1);
    await expect(fetcher.refresh(token(3, 'token-2'))).resolves.toMatchObject({
      outcome: 'unauthorized',
      detail: 'GET /v1/config answered 401: the token was refused; the config in force stays',
    });
    expect(requests).toHaveLength(2);
    expect(told).toEqual([undefined]);
  });

  it('adopts the config but keeps the secure strings held when the secure strings of an answer are off the contract', async () => {
    const { fetcher, store, answer, answerOf, told } = await primed();
    answer(() => answerOf(4, { 'not a name': 'v', paymentsApiKey: 'sk_live_new' }));
    const refresh = await fetcher.refresh(token(4));
    expect(refresh).toEqual({
      outcome: 'adopted',
      version: 4,
      warning: expect.stringMatching(
        /^the answer does not fit the contract \(secureStrings.*the secure strings held stay$/,
      ) as unknown,
    });
    expect(store.version).toBe(4);
    expect(fetcher.secureString('paymentsApiKey')).toBe(SECRET);
    expect(told).toEqual([]);
    expect(JSON.stringify(refresh)).not.toContain('sk_live_new');
  });

  it('takes no secure strings from an answer whose config is forged or for another app', async () => {
    const { fetcher, answer } = await world();
    answer(async () =>
      Response.json({
        config: await pinsSigner().sign({ version: 4, domains }),
        version: 4,
        secureStrings: { paymentsApiKey: 'sk_from_a_forger' },
      }),
    );
    await expect(fetcher.refresh(token(4))).resolves.toMatchObject({ outcome: 'refused', reason: 'bad-signature' });
    expect(fetcher.secureStrings).toBeUndefined();
  });

  it('never shows a value when the set is printed, serialised or inspected', async () => {
    const { fetcher } = await world();
    await fetcher.refresh(token(4));
    const strings = fetcher.secureStrings!;
    for (const shown of [
      String(strings),
      JSON.stringify(strings),
      inspect(strings),
      inspect({ nested: strings }, { depth: 5, showHidden: true }),
    ]) {
      expect(shown).toContain('paymentsApiKey');
      expect(shown).not.toContain(SECRET);
    }
    expect(String(strings)).toBe('SecureStrings(paymentsApiKey)');
    expect(Object.entries(strings)).toEqual([['receivedAt', PIN_NOW]]);
  });
});

describe('PinConfigFetcher.attach', () => {
  /** A client that the test hands new tokens through, as a TesseraClient's onToken would. */
  function fakeClient(unbound: () => Promise<TesseraToken>) {
    const listeners = new Set<(token: TesseraToken) => unknown>();
    return {
      token: unbound,
      onToken(listener: (token: TesseraToken) => unknown) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      tell(token: TesseraToken) {
        for (const listener of listeners) listener(token);
      },
    };
  }

  it('refreshes after each new token, in the background, and reports each result', async () => {
    const { fetcher, requests, store } = await world();
    const client = fakeClient(() => Promise.resolve(token(4)));
    const results: PinConfigRefresh[] = [];
    const detach = fetcher.attach(client, { onRefresh: (refresh) => results.push(refresh) });
    client.tell(token(4));
    expect(requests).toHaveLength(1); // started at once, not awaited by the token call
    await fetcher.idle();
    expect(results).toEqual([{ outcome: 'adopted', version: 4 }]);
    expect(store.version).toBe(4);
    client.tell(token(4, 'token-2'));
    await fetcher.idle();
    expect(results).toEqual([
      { outcome: 'adopted', version: 4 },
      { outcome: 'current', version: 4 },
    ]);
    detach();
    client.tell(token(5, 'token-3'));
    await fetcher.idle();
    expect(results).toHaveLength(2);
    expect(requests).toHaveLength(1);
  });

  it('uses the unbound token when a new bound one names a newer config, and does nothing for one that does not', async () => {
    const { fetcher, requests } = await primed();
    const client = fakeClient(() => Promise.resolve(token(4, 'unbound')));
    const results: PinConfigRefresh[] = [];
    fetcher.attach(client, { onRefresh: (refresh) => results.push(refresh) });
    client.tell({ ...token(3, 'bound-1'), binding: 'b'.repeat(43) });
    await fetcher.idle();
    expect(requests).toEqual([]);
    client.tell({ ...token(4, 'bound-2'), binding: 'b'.repeat(43) });
    await fetcher.idle();
    expect(requests).toEqual([{ url: 'https://pins.test/tessera/v1/config', token: 'unbound' }]);
    expect(results).toEqual([{ outcome: 'adopted', version: 4 }]);
  });

  it('uses the cached unbound token, told before, when a new bound one names a newer config', async () => {
    const { fetcher, requests, store } = await primed();
    const unbound = token(3, 'unbound');
    const client = fakeClient(() => Promise.resolve(unbound));
    const results: PinConfigRefresh[] = [];
    fetcher.attach(client, { onRefresh: (refresh) => results.push(refresh) });
    client.tell(unbound);
    await fetcher.idle();
    expect(requests).toEqual([]);
    client.tell({ ...token(4, 'bound'), binding: 'b'.repeat(43) });
    await fetcher.idle();
    expect(requests).toEqual([{ url: 'https://pins.test/tessera/v1/config', token: 'unbound' }]);
    expect(results).toEqual([
      { outcome: 'current', version: 3 },
      { outcome: 'adopted', version: 4 },
    ]);
    expect(store.version).toBe(4);
  });

  it('is not held up, nor failed, by a failing fetch or a listener that throws', async () => {
    const { fetcher, answer } = await world();
    answer(() => Promise.reject(new TypeError('fetch failed')));
    const client = fakeClient(() => Promise.reject(new Error('offline')));
    fetcher.attach(client, {
      onRefresh: () => {
        throw new Error('listener bug');
      },
    });
    expect(() => {
      client.tell(token(4));
      client.tell({ ...token(4, 'bound'), binding: 'b'.repeat(43) });
    }).not.toThrow();
    await expect(fetcher.idle()).resolves.toBeUndefined();
  });

  it('with a TesseraClient: the first attestation brings the config it names and the secure strings', async () => {
    const { client, clock } = clientWorld(); // the fake integrity service answers pinConfigVersion 1
    const { fetcher, store, requests, answer, answerOf } = await world(0);
    answer(() => answerOf(1));
    const results: PinConfigRefresh[] = [];
    fetcher.attach(client, { onRefresh: (refresh) => results.push(refresh) });
    const first = await client.token();
    await fetcher.idle();
    expect(results).toEqual([{ outcome: 'adopted', version: 1 }]);
    expect(requests).toEqual([{ url: 'https://pins.test/tessera/v1/config', token: first.token }]);
    expect(store.version).toBe(1);
    expect(fetcher.secureString('paymentsApiKey')).toBe(SECRET);
    await client.token(); // cached: no new token, no refresh
    await fetcher.idle();
    expect(results).toHaveLength(1);
    clock.advance(280_000); // the next attestation: nothing newer, the secure strings young
    await client.token();
    await fetcher.idle();
    expect(results).toEqual([
      { outcome: 'adopted', version: 1 },
      { outcome: 'current', version: 1 },
    ]);
    expect(requests).toHaveLength(1);
  });
});
