import { clientWorld } from '../testing/client-world';
import { PinConfigFetcher } from './pin-config-fetcher';
import { PinConfigStore } from './pin-config-store';
import { PIN_APP_ID, PIN_NOW, pinsSigner } from './testing/pin-world';

const PIN = 'pL1+qb9HTMRZJmuC/bB/ZI9d302BYrrqiVuRyW+DGrU=';
const domains = [{ pattern: 'api.example.com', pins: [PIN] }];
const token = (pinConfigVersion: number | null) => ({
  token: 'token-1',
  expiresAt: new Date(PIN_NOW + 300_000).toISOString(),
  lifetimeSeconds: 300,
  pinConfigVersion,
});

/** A pins service answering GET /v1/config with whatever the test puts in `answer`. */
async function world(initialVersion = 3) {
  const signer = pinsSigner();
  let time = PIN_NOW;
  const store = await PinConfigStore.fromInitialConfig(await signer.sign({ version: initialVersion, domains }), {
    keys: signer.keys,
    tenant: 'acme',
    appId: PIN_APP_ID,
    now: () => time,
  });
  const requests: { url: string; token: string | null }[] = [];
  let answer: () => Promise<Response> = async () =>
    Response.json({ config: await signer.sign({ version: 4, domains }) });
  const fetcher = new PinConfigFetcher({
    store,
    pinsBaseUrl: 'https://pins.test/tessera/',
    fetch: (input, init) => {
      requests.push({ url: input as string, token: new Headers(init?.headers).get('tessera-token') });
      return answer();
    },
    requestTimeoutMs: 200,
  });
  return {
    signer,
    store,
    fetcher,
    requests,
    answer: (next: () => Promise<Response>) => {
      answer = next;
    },
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe('PinConfigFetcher', () => {
  it('fetches the config with the token when the token names a newer version, and the store adopts it', async () => {
    const { fetcher, store, requests } = await world();
    await expect(fetcher.refresh(token(4))).resolves.toEqual({ outcome: 'adopted', version: 4 });
    expect(requests).toEqual([{ url: 'https://pins.test/tessera/v1/config', token: 'token-1' }]);
    expect(store.version).toBe(4);
  });

  it.each([
    ['the same version', 3],
    ['an older version', 2],
    ['no version (no pins service)', null],
  ])('makes no request when the token names %s', async (_what, version) => {
    const { fetcher, requests } = await world();
    await expect(fetcher.refresh(token(version))).resolves.toEqual({ outcome: 'current', version: 3 });
    expect(requests).toEqual([]);
  });

  it('asks at every refresh once the config in force has expired, whatever the token names', async () => {
    const { fetcher, store, requests, advance } = await world();
    advance((store.config.exp + 1) * 1000 - PIN_NOW);
    // The service's config is signed for the clock of the test, so by now it is expired too: refused, still asked.
    await expect(fetcher.refresh(token(3))).resolves.toMatchObject({ outcome: 'refused', reason: 'expired' });
    expect(requests).toHaveLength(1);
    expect(store.version).toBe(3);
  });

  it('keeps the config in force when the service sends one that does not verify', async () => {
    const { fetcher, store, answer } = await world();
    answer(async () => Response.json({ config: await pinsSigner().sign({ version: 4, domains: [] }) }));
    await expect(fetcher.refresh(token(4))).resolves.toMatchObject({ outcome: 'refused', reason: 'bad-signature' });
    expect(store.version).toBe(3);
  });

  it.each([
    ['a 401', () => Promise.resolve(new Response('{"statusCode":401}', { status: 401 })), /answered 401/],
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
  ])('fails without throwing on %s, and the config in force stays', async (_what, next, detail) => {
    const { fetcher, store, answer } = await world();
    answer(next);
    await expect(fetcher.refresh(token(4))).resolves.toEqual({
      outcome: 'failed',
      detail: expect.stringMatching(detail) as unknown,
    });
    expect(store.version).toBe(3);
  });

  it('makes one request for concurrent refreshes', async () => {
    const { fetcher, requests } = await world();
    const results = await Promise.all([
      fetcher.refresh(token(4)),
      fetcher.refresh(token(4)),
      fetcher.refresh(token(4)),
    ]);
    expect(requests).toHaveLength(1);
    expect(results).toEqual(Array(3).fill({ outcome: 'adopted', version: 4 }));
  });

  it('refreshes from a client, and fails without throwing when the client has no token', async () => {
    const { fetcher } = await world();
    await expect(fetcher.refreshFrom({ token: () => Promise.resolve(token(4)) })).resolves.toMatchObject({
      outcome: 'adopted',
    });
    await expect(fetcher.refreshFrom({ token: () => Promise.reject(new Error('offline')) })).resolves.toEqual({
      outcome: 'failed',
      detail: 'no token: offline',
    });
  });
});

describe('PinConfigFetcher with a TesseraClient', () => {
  it('fetches after an attestation whose answer names a newer pin config version', async () => {
    const { client } = clientWorld(); // the fake integrity service answers pinConfigVersion 1
    const { fetcher, store, requests, answer, signer } = await world(0);
    answer(async () => Response.json({ config: await signer.sign({ version: 1, domains }) }));
    await expect(fetcher.refreshFrom(client)).resolves.toEqual({ outcome: 'adopted', version: 1 });
    expect(requests).toEqual([{ url: 'https://pins.test/tessera/v1/config', token: (await client.token()).token }]);
    await expect(fetcher.refreshFrom(client)).resolves.toEqual({ outcome: 'current', version: 1 });
    expect(requests).toHaveLength(1);
    expect(store.version).toBe(1);
  });
});
