import { createHash } from 'node:crypto';
import { NO_DEVICE_SIGNALS, TOKEN_HEADER } from '@tessera/contracts';
import { TesseraError } from './errors';
import { APP_ID, clientWorld, GENUINE_ANDROID } from './testing/client-world';
import { TesseraClient } from './tessera-client';
import { SDK_VERSION } from './version';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

/** The error a promise rejects with (a test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<TesseraError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TesseraError);
  return error as TesseraError;
}

describe('TesseraClient: one attestation round', () => {
  it('fetches a challenge, sends evidence the service verifies, and hands on the token', async () => {
    const { client, service, clock } = clientWorld();
    const token = await client.token();
    expect(token).toEqual({
      token: 'token-1',
      expiresAt: expect.any(String) as unknown,
      lifetimeSeconds: 300,
      pinConfigVersion: 1,
    });
    expect(service.requests).toEqual({ challenge: 1, attest: 1, api: 0 });
    expect(service.lastPayload).toEqual({
      tenant: 'acme',
      appId: APP_ID,
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
      iat: Math.floor(clock.now() / 1000),
      app: GENUINE_ANDROID,
      device: {
        signals: { ...NO_DEVICE_SIGNALS },
        sdkVersion: SDK_VERSION,
        os: { name: 'android', version: '14' },
      },
    });
    expect(service.attestations[0]!.installationId).toBe(await client.installationId());
  });

  it('keeps a path prefix of the base URL, with or without a trailing slash', async () => {
    const { client, service } = clientWorld({ baseUrl: 'https://integrity.test/tessera/' });
    await expect(client.token()).resolves.toMatchObject({ token: 'token-1' });
    expect(service.requests.attest).toBe(1);
  });

  it('reports the sdkVersion it is given, and measures through a provider when given one', async () => {
    const measured = { ...GENUINE_ANDROID, versionCode: 43 };
    const { client, service } = clientWorld({ sdkVersion: '2.0.0-rc.1', measurement: () => Promise.resolve(measured) });
    await client.token();
    expect(service.lastPayload).toMatchObject({ app: measured, device: { sdkVersion: '2.0.0-rc.1' } });
  });

  it('hands on the reasons when the service reveals them, as a token like any other', async () => {
    const { client, service } = clientWorld();
    service.reasons = ['rooted-or-jailbroken'];
    await expect(client.token()).resolves.toMatchObject({ token: 'token-1', reasons: ['rooted-or-jailbroken'] });
  });
});

describe('TesseraClient: caching and refresh', () => {
  it('reuses the token until refreshBeforeExpirySeconds before its expiry, then attests again', async () => {
    const { client, service, clock } = clientWorld({ refreshBeforeExpirySeconds: 30 });
    const first = await client.token();
    clock.advance(269_999);
    await expect(client.token()).resolves.toBe(first);
    expect(service.requests.attest).toBe(1);
    clock.advance(1);
    await expect(client.token()).resolves.toMatchObject({ token: 'token-2' });
    expect(service.requests).toMatchObject({ challenge: 2, attest: 2 });
  });

  it('refreshes a token that lives less than twice the margin at half its lifetime', async () => {
    const { client, service, clock } = clientWorld({ refreshBeforeExpirySeconds: 30 });
    service.lifetimeSeconds = 40;
    await client.token();
    clock.advance(19_999);
    await expect(client.token()).resolves.toMatchObject({ token: 'token-1' });
    clock.advance(1);
    await expect(client.token()).resolves.toMatchObject({ token: 'token-2' });
  });

  it('times the token by its lifetime on its own clock, not by the expiresAt of a clock that is off', async () => {
    const { client, service, clock } = clientWorld();
    // The service's clock is a day ahead: its expiresAt is a day late on the device. Lifetime 300 s counts.
    const serviceClock = { now: () => clock.now() + 86_400_000 };
    Object.assign(service, { now: serviceClock.now });
    await client.token();
    clock.advance(271_000);
    await expect(client.token()).resolves.toMatchObject({ token: 'token-2' });
  });
});

describe('TesseraClient: one round in flight', () => {
  it('has concurrent callers share one attestation', async () => {
    const { client, service } = clientWorld();
    const release = service.hold();
    const callers = Array.from({ length: 10 }, () => client.token());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(service.requests).toMatchObject({ challenge: 1, attest: 1 });
    release();
    const tokens = await Promise.all(callers);
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['token-1']));
    expect(service.requests).toMatchObject({ challenge: 1, attest: 1 });
  });

  it('shares the refresh round too', async () => {
    const { client, service, clock } = clientWorld();
    await client.token();
    clock.advance(280_000);
    const tokens = await Promise.all(Array.from({ length: 5 }, () => client.token()));
    expect(tokens.map((t) => t.token)).toEqual(Array(5).fill('token-2'));
    expect(service.requests.attest).toBe(2);
  });
});

describe('TesseraClient: failures', () => {
  it('rejects every waiting caller with the round’s error, and a later call retries', async () => {
    const { client, service, clock } = clientWorld();
    service.fail('attest', {
      status: 503,
      body: { statusCode: 503, message: 'token service timed out', requestId: 'req-1' },
    });
    const errors = await Promise.all(Array.from({ length: 4 }, () => rejection(client.token())));
    for (const error of errors) {
      expect(error).toMatchObject({ kind: 'http', step: 'attest', status: 503, requestId: 'req-1' });
      expect(error.message).toMatch(/attest: the service answered 503: token service timed out/);
    }
    expect(service.requests).toMatchObject({ challenge: 1, attest: 1 });
    clock.advance(1_000);
    await expect(client.token()).resolves.toMatchObject({ token: 'token-1' });
  });

  it('holds rounds back after a failure (1 s, doubling), answering with the error without a request', async () => {
    const { client, service, clock } = clientWorld();
    service.fail('challenge', { status: 500 }, 3);
    const first = await rejection(client.token());
    expect(first).toMatchObject({ kind: 'http', step: 'challenge', status: 500, retryAt: clock.now() + 1_000 });
    clock.advance(999);
    await expect(rejection(client.token())).resolves.toBe(first);
    expect(service.requests.challenge).toBe(1);
    clock.advance(1);
    await expect(rejection(client.token())).resolves.toMatchObject({ retryAt: clock.now() + 2_000 });
    clock.advance(2_000);
    await expect(rejection(client.token())).resolves.toMatchObject({ retryAt: clock.now() + 4_000 });
    expect(service.requests.challenge).toBe(3);
    clock.advance(4_000);
    await expect(client.token()).resolves.toMatchObject({ token: 'token-1' });
    // A success lifts the floor: the next failure waits 1 s again.
    clock.advance(300_000);
    service.fail('attest', 'network');
    await expect(rejection(client.token())).resolves.toMatchObject({ kind: 'network', retryAt: clock.now() + 1_000 });
  });

  it('honours Retry-After on a 429, in seconds or as an HTTP date', async () => {
    const { client, service, clock } = clientWorld();
    service.fail('challenge', { status: 429, headers: { 'retry-after': '120' } });
    await expect(rejection(client.token())).resolves.toMatchObject({ status: 429, retryAfterMs: 120_000 });
    clock.advance(119_999);
    await rejection(client.token());
    expect(service.requests.challenge).toBe(1);
    clock.advance(1);
    const at = new Date(clock.now() + 30_000).toUTCString();
    service.fail('challenge', { status: 429, headers: { 'retry-after': at } });
    await expect(rejection(client.token())).resolves.toMatchObject({
      retryAfterMs: 30_000,
      retryAt: clock.now() + 30_000,
    });
  });

  it('carries the reason code of a refusal', async () => {
    const { client, service } = clientWorld();
    service.fail('attest', {
      status: 400,
      body: { statusCode: 400, message: 'evidence refused', reason: 'malformed-evidence' },
    });
    await expect(rejection(client.token())).resolves.toMatchObject({
      kind: 'http',
      status: 400,
      reason: 'malformed-evidence',
    });
  });

  it('tells a network failure, a timeout and a deaf server apart', async () => {
    const network = clientWorld();
    network.service.fail('challenge', 'network');
    await expect(rejection(network.client.token())).resolves.toMatchObject({ kind: 'network', step: 'challenge' });

    const slow = clientWorld({ requestTimeoutMs: 30 });
    slow.service.fail('attest', 'hang');
    await expect(rejection(slow.client.token())).resolves.toMatchObject({ kind: 'timeout', step: 'attest' });

    const deaf = clientWorld({ requestTimeoutMs: 30 });
    deaf.service.fail('challenge', 'deaf');
    await expect(rejection(deaf.client.token())).resolves.toMatchObject({ kind: 'timeout', step: 'challenge' });
  });

  it('refuses an answer that does not fit the contract', async () => {
    const { client, service, clock } = clientWorld();
    service.fail('challenge', { status: 200, body: { nonce: 'short', expiresAt: 'soon', ttlSeconds: 60 } });
    await expect(rejection(client.token())).resolves.toMatchObject({ kind: 'bad-response', step: 'challenge' });
    clock.advance(1_000);
    service.fail('attest', { status: 200, body: 'not json' });
    await expect(rejection(client.token())).resolves.toMatchObject({ kind: 'bad-response', step: 'attest' });
  });

  it('serves the old token while it is valid when its refresh fails, and the error once it has expired', async () => {
    const { client, service, clock } = clientWorld();
    const old = await client.token();
    clock.advance(280_000);
    service.fail('attest', { status: 503 }, 2);
    await expect(client.token()).resolves.toBe(old);
    clock.advance(500); // held back: still the old token, no request
    await expect(client.token()).resolves.toBe(old);
    expect(service.requests.attest).toBe(2);
    clock.advance(19_500); // past the expiry, and past the floor: a round, which fails
    await expect(rejection(client.token())).resolves.toMatchObject({ status: 503 });
    expect(service.requests.attest).toBe(3);
  });

  it('does not hold rounds back when the app’s own providers fail', async () => {
    let calls = 0;
    const { client, service } = clientWorld({
      deviceSignals: () => {
        calls += 1;
        return calls === 1
          ? Promise.reject(new Error('root check crashed'))
          : Promise.resolve({ signals: {} as never });
      },
    });
    await expect(rejection(client.token())).resolves.toMatchObject({ kind: 'device-signals' });
    await expect(rejection(client.token())).resolves.toMatchObject({
      kind: 'device-signals',
      message: expect.stringMatching(/signals.rootedOrJailbroken/) as unknown,
    });
    expect(calls).toBe(2);
    expect(service.requests.attest).toBe(0);
  });

  it('refuses a measurement from a provider that does not fit the contract', async () => {
    const { client } = clientWorld({
      measurement: () => Promise.resolve({ ...GENUINE_ANDROID, signingCertificateSha256: [] }),
    });
    await expect(rejection(client.token())).resolves.toMatchObject({
      kind: 'measurement',
      message: expect.stringMatching(/signingCertificateSha256/) as unknown,
    });
  });
});

describe('TesseraClient: token binding', () => {
  it('binds a token to a header value: SHA-256 (base64url) in the evidence, one token per value', async () => {
    const { client, service } = clientWorld();
    const alice = await client.token({ bindTo: 'Bearer alice' });
    expect(alice.binding).toBe(sha256('Bearer alice'));
    expect(service.lastPayload?.binding).toBe(sha256('Bearer alice'));
    await expect(client.token({ bindTo: 'Bearer alice' })).resolves.toBe(alice);
    const bob = await client.token({ bindTo: 'Bearer bob' });
    const unbound = await client.token();
    expect(new Set([alice.token, bob.token, unbound.token]).size).toBe(3);
    expect(unbound).not.toHaveProperty('binding');
    expect(service.lastPayload).not.toHaveProperty('binding');
    expect(service.requests.attest).toBe(3);
  });

  it('keeps a bounded number of bound tokens, the least recently used dropped', async () => {
    const { client, service } = clientWorld();
    const alice = await client.token({ bindTo: 'alice' });
    for (let i = 0; i < 16; i++) await client.token({ bindTo: `user-${i}` });
    await expect(client.token()).resolves.toBeDefined(); // the unbound token counts as one of the 17 kept
    expect(service.requests.attest).toBe(18);
    const again = await client.token({ bindTo: 'alice' });
    expect(again.token).not.toBe(alice.token);
    expect(service.requests.attest).toBe(19);
    await client.token({ bindTo: 'user-15' }); // recently used: still kept
    expect(service.requests.attest).toBe(19);
  });
});

describe('TesseraClient: onToken', () => {
  it('tells each listener of each new token, once, before the callers get it; not of cached ones', async () => {
    const { client, service, clock } = clientWorld();
    const told: string[] = [];
    client.onToken((token) => told.push(`a:${token.token}`));
    client.onToken((token) => told.push(`b:${token.token}`));
    const callers = await Promise.all([client.token(), client.token()]);
    expect(callers.map((t) => t.token)).toEqual(['token-1', 'token-1']);
    expect(told).toEqual(['a:token-1', 'b:token-1']);
    await client.token(); // cached
    expect(told).toHaveLength(2);
    clock.advance(280_000);
    const renewed = client.token().then((token) => {
      told.push(`caller:${token.token}`);
      return token;
    });
    await renewed;
    expect(told.slice(2)).toEqual(['a:token-2', 'b:token-2', 'caller:token-2']);
    expect(service.requests.attest).toBe(2);
  });

  it('tells of bound tokens too, with their binding', async () => {
    const { client } = clientWorld();
    const told: (string | undefined)[] = [];
    client.onToken((token) => told.push(token.binding));
    await client.token({ bindTo: 'Bearer alice' });
    expect(told).toEqual([sha256('Bearer alice')]);
  });

  it('tells of nothing when a round fails, nor when the old token is served after a failed refresh', async () => {
    const { client, service, clock } = clientWorld();
    const told: string[] = [];
    client.onToken((token) => told.push(token.token));
    service.fail('attest', { status: 503 });
    await rejection(client.token());
    clock.advance(2_000);
    await client.token();
    clock.advance(280_000);
    service.fail('attest', { status: 503 });
    await expect(client.token()).resolves.toMatchObject({ token: 'token-1' });
    expect(told).toEqual(['token-1']);
  });

  it('neither blocks nor fails the token call when a listener throws, rejects or hangs', async () => {
    const { client } = clientWorld();
    const told: string[] = [];
    client.onToken(() => {
      throw new Error('listener bug');
    });
    client.onToken(() => Promise.reject(new Error('async listener bug')));
    client.onToken(() => new Promise(() => undefined));
    client.onToken((token) => told.push(token.token));
    await expect(client.token()).resolves.toMatchObject({ token: 'token-1' });
    expect(told).toEqual(['token-1']);
  });

  it('stops telling a listener once its subscription is stopped, each subscription on its own', async () => {
    const { client, clock } = clientWorld();
    const told: string[] = [];
    const listener = (token: { token: string }) => told.push(token.token);
    const stopFirst = client.onToken(listener);
    client.onToken(listener);
    await client.token();
    expect(told).toEqual(['token-1', 'token-1']);
    stopFirst();
    stopFirst();
    clock.advance(280_000);
    await client.token();
    expect(told).toEqual(['token-1', 'token-1', 'token-2']);
  });
});

describe('TesseraClient: headers, attach and fetch', () => {
  it('gives the token header', async () => {
    const { client } = clientWorld();
    await expect(client.headers()).resolves.toEqual({ [TOKEN_HEADER]: 'token-1' });
    const attached = await client.attach({ accept: 'application/json' });
    expect(Object.fromEntries(attached.entries())).toEqual({ accept: 'application/json', 'tessera-token': 'token-1' });
  });

  it('wraps fetch: the same request with the token, bound to boundHeader when the request has it', async () => {
    const { client, service } = clientWorld({ boundHeader: 'Authorization' });
    const plain = await client.fetch('https://api.example.com/accounts', { headers: { accept: 'application/json' } });
    await expect(plain.json()).resolves.toEqual({ accept: 'application/json', 'tessera-token': 'token-1' });
    expect(service.lastPayload).not.toHaveProperty('binding');

    const request = new Request('https://api.example.com/accounts', { headers: { authorization: 'Bearer alice' } });
    const bound = await client.fetch(request);
    await expect(bound.json()).resolves.toEqual({ authorization: 'Bearer alice', 'tessera-token': 'token-2' });
    expect(service.lastPayload?.binding).toBe(sha256('Bearer alice'));
    expect(service.requests.api).toBe(2);
  });
});

describe('TesseraClient: the installation key', () => {
  it('is made once, saved, and reused by every client of the same store', async () => {
    const first = clientWorld();
    const id = await first.client.installationId();
    const second = new TesseraClient(first.options);
    await expect(second.installationId()).resolves.toBe(id);
    await first.client.token();
    await second.token({ bindTo: 'x' });
    expect(first.service.attestations.map((a) => a.installationId)).toEqual([id, id]);
  });

  it('is a new one after the store is cleared', async () => {
    const { client, keyStore, options } = clientWorld();
    const id = await client.installationId();
    await keyStore.clear();
    await expect(new TesseraClient(options).installationId()).resolves.not.toBe(id);
    await expect(keyStore.load()).resolves.toBeDefined();
  });

  it('is not replaced when the store holds something else, and a failing store is a key-store error', async () => {
    const { options, keyStore } = clientWorld();
    await keyStore.save({ privateJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' } });
    await expect(rejection(new TesseraClient(options).token())).resolves.toMatchObject({ kind: 'key-store' });
    await expect(keyStore.load()).resolves.toMatchObject({ privateJwk: { x: 'x' } });

    const failing = {
      load: () => Promise.reject(new Error('keychain locked')),
      save: () => Promise.resolve(),
      clear: () => Promise.resolve(),
    };
    const error = await rejection(new TesseraClient({ ...options, keyStore: failing }).installationId());
    expect(error).toMatchObject({ kind: 'key-store', message: expect.stringMatching(/failed to load/) as unknown });
  });
});

describe('TesseraClient options', () => {
  const { options } = clientWorld();
  it.each([
    ['a base URL that is not http(s)', { baseUrl: 'ftp://integrity.test' }, /baseUrl/],
    ['a base URL with a query', { baseUrl: 'https://integrity.test/?x=1' }, /baseUrl/],
    ['a tenant id with capitals', { tenant: 'Acme' }, /tenant/],
    ['an app id that is not a UUID', { appId: 'bank' }, /appId/],
    ['an sdkVersion that is not semver', { sdkVersion: 'latest' }, /sdkVersion/],
    ['a negative refresh margin', { refreshBeforeExpirySeconds: -1 }, /refreshBeforeExpirySeconds/],
    ['a zero timeout', { requestTimeoutMs: 0 }, /requestTimeoutMs/],
    ['a measurement of no platform', { measurement: { packageName: 'com.example.bank' } as never }, /measurement/],
  ])('refuses %s', (_what, bad, message) => {
    expect(() => new TesseraClient({ ...options, ...bad })).toThrow(message);
  });
});
