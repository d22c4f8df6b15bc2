import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { type AppMeasurement, type PinConfigKeySet, PinConfigKeySetSchema, TOKEN_HEADER } from '@tessera/contracts';
import { verifyPinConfig } from '@tessera/pins/portable';
import { decodeJwt } from 'jose';
import {
  MemoryInstallationKeyStore,
  type PinConfigRefresh,
  PinConfigFetcher,
  PinConfigStore,
  PinViolationError,
  PinViolationReporter,
  SimulatedDevice,
  type SimulatedDeviceProfile,
  TesseraClient,
} from '@tessera/sdk';
import { type PinnedAgent, pinnedAgent } from '@tessera/sdk/node';
import { DataSource } from 'typeorm';
import {
  makeTestCertificate,
  makeTestChain,
  type TestCertificate,
  type TestChain,
} from '../../libs/pins/src/testing/test-chain';
import { eventually } from '../support/eventually';
import { freePort, type ServiceName, ServiceProcess } from '../support/service-process';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';
import { LoopbackRoute, loopbackLookup, type RequestHandler, spkiPin, TlsHost } from '../support/tls-hosts';

/**
 * The acceptance test of issue 8 (certificate pinning): pins delivered over the air only to attested apps, enforced
 * on the app's TLS connections, a MitM refused and reported, a repackaged app given nothing, and a certificate
 * rotation that the same app, unchanged, rides through without a failed call.
 *
 * So: the built registration, token, integrity, pins and verifier services, each as its own process on a schema and
 * topic prefix of their own; a tenant bootstrapped, an app, its build and a secure string through the admin API; an
 * API server (a real TLS server on loopback, its chain made here) that takes a request only with a token the verifier
 * accepts and the app's secure string; the network path to it, which the test can send through a MitM; and the SDK
 * (`TesseraClient` with a simulated device, `PinConfigStore`, `PinConfigFetcher` attached to the client, its secure
 * strings, `PinViolationReporter`, `pinnedAgent`) wired the way an app wires it, from the config and JWKS the release
 * pipeline exports (`GET /v1/apps/:appId/pins/initial-config`, what `tessera pins export --initial` writes).
 */

const env = testEnvironment();
const suffix = uniqueSuffix();
const prefix = `e2e-pin-${suffix}.`;
const tenant = `pin-${suffix}`;
const schemas: Partial<Record<ServiceName, string>> = {
  registration: `e2e_pin_registration_${suffix}`,
  token: `e2e_pin_token_${suffix}`,
  integrity: `e2e_pin_integrity_${suffix}`,
  pins: `e2e_pin_pins_${suffix}`,
};
/** The API host the app talks to: the device's DNS (`loopbackLookup`) sends every name to loopback. */
const API_HOST = 'api.pins-e2e.test';
const CERTIFICATE = 'e5'.repeat(32);
const SECRET = `sk_live_${suffix}_payments`;
/**
 * The pins service's shortest config lifetime (pins.config.ts refuses less than 60 s): the longest an app may hold
 * a config, so the rotation below waits this long between publishing the new pin and retiring the old one.
 */
const CONFIG_LIFETIME_SECONDS = 60;
/** The app's token lifetime (its policy; the contract's minimum): the SDK attests again after half of it. */
const TOKEN_LIFETIME_SECONDS = 30;

type Json = Record<string, unknown>;

const settings = (service: ServiceName): Record<string, string> => ({
  KAFKA_BROKERS: env.kafkaBrokers.join(','),
  KAFKA_TOPIC_PREFIX: prefix,
  LOG_LEVEL: 'warn',
  ...(schemas[service] === undefined
    ? {}
    : { DATABASE_URL: env.databaseUrl, DATABASE_SCHEMA: schemas[service], OUTBOX_POLL_INTERVAL_MS: '250' }),
  ...(service === 'token' ? { TOKEN_ISSUER: 'https://tessera.e2e' } : {}),
  ...(service === 'pins' ? { PINS_CONFIG_LIFETIME_SECONDS: String(CONFIG_LIFETIME_SECONDS) } : {}),
});

async function call(baseUrl: string, method: string, path: string, key?: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
}

/** What the app ships: the tenant's pins JWKS and the signed config of its release. */
interface Shipped {
  keys: PinConfigKeySet;
  initialConfig: string;
}

/** One answer of the API over the app's pinned connection, and the leaf the API host presented. */
interface ApiAnswer {
  status: number;
  body: Json;
  servedLeafPin: string;
}

describe('issue 8 is done: pins over the air to attested apps, a MitM refused and reported, a rotation survived', () => {
  const processes: ServiceProcess[] = [];
  const hosts: TlsHost[] = [];
  const services = {} as Record<ServiceName, ServiceProcess>;
  let adminKey: string;
  let appId: string;
  let domainId: string;
  let shipped: Shipped;

  /** The API's certificates (root, intermediate, leaf), the MitM's (its own CA, which the device trusts too). */
  let apiChain: TestChain;
  let mitmChain: TestChain;
  /** The key pair the API server moves to in the rotation: a new leaf from the same intermediate. */
  let nextLeaf: TestCertificate;
  let leafPin: string;
  let nextPin: string;
  let backupPin: string;
  let api: TlsHost;
  let mitm: TlsHost;
  /** The network path from the device to API_HOST. */
  let route: LoopbackRoute;

  const genuine: AppMeasurement = {
    platform: 'android',
    packageName: 'com.example.pinned.e2e',
    signingCertificateSha256: [CERTIFICATE],
    versionCode: 7,
  };

  const start = async (service: ServiceName, args: string[] = []) => {
    const instance = new ServiceProcess(service, await freePort(), settings(service), args).start();
    processes.push(instance);
    return instance;
  };

  /** The API server's side: a token the verifier accepts, and the app's secure string as its API key. */
  const apiHandler: RequestHandler = async (request, response) => {
    const answer = (status: number, body: Json) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const token = request.headers[TOKEN_HEADER.toLowerCase()];
    if (typeof token !== 'string') {
      answer(401, { error: 'no-token' });
      return;
    }
    const verdict = await call(services.verifier.url, 'POST', '/v1/verify', undefined, { token });
    if (verdict.body.decision !== 'accept') answer(401, { error: 'token-refused' });
    else if (request.headers['x-api-key'] !== SECRET) answer(403, { error: 'bad-api-key' });
    else answer(200, { greeting: 'hello from the payments API', path: request.url ?? '' });
  };

  beforeAll(async () => {
    [apiChain, mitmChain] = await Promise.all([
      makeTestChain([API_HOST], 'Payments'),
      makeTestChain([API_HOST], 'Intercepting Proxy'),
    ]);
    nextLeaf = await makeTestCertificate({
      subject: `CN=${API_HOST}`,
      issuer: apiChain.intermediate,
      hosts: [API_HOST],
    });
    leafPin = spkiPin(apiChain.leaf.pem);
    nextPin = spkiPin(nextLeaf.pem);
    // The backup: a key pair made and kept aside, with no certificate yet.
    const backup = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    backupPin = spkiPin(backup.publicKey);

    const bootstrap = await start('registration', ['bootstrap', '--tenant', tenant]);
    await bootstrap.waitForExit();
    expect(bootstrap.exit).toEqual({ code: 0, signal: null });
    adminKey = (JSON.parse(bootstrap.output.trim()) as { key: string }).key;
    const names = ['registration', 'token', 'integrity', 'pins', 'verifier'] as const;
    const started = await Promise.all(names.map((service) => start(service)));
    await Promise.all(started.map((service) => service.waitFor('/health/ready', 200, 90_000)));
    for (const [i, service] of names.entries()) services[service] = started[i]!;

    const admin = async (method: string, path: string, body: Json, expected = 201) => {
      const answer = await call(services.registration.url, method, path, adminKey, body);
      if (answer.status !== expected) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer)}`);
      return answer.body;
    };
    const team = await admin('POST', '/v1/teams', { name: 'Payments' });
    appId = (
      await admin('POST', '/v1/apps', {
        name: 'Payments',
        teamId: team.id,
        platform: 'android',
        packageName: genuine.packageName,
      })
    ).id as string;
    await admin('POST', '/v1/registrations', {
      appId,
      signingCertificateSha256: [CERTIFICATE],
      versionCodes: { min: 1, max: 10 },
    });
    const policy = await admin('POST', '/v1/policies', {
      name: 'Short tokens',
      rules: { tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS },
    });
    await admin('PUT', `/v1/apps/${appId}/policy`, { policyId: policy.id }, 200);
    await admin('PUT', `/v1/apps/${appId}/secure-strings/paymentsApiKey`, { value: SECRET });

    api = await TlsHost.start({ keyPem: apiChain.leaf.keyPem, chainPem: apiChain.servedPem }, apiHandler);
    mitm = await TlsHost.start({ keyPem: mitmChain.leaf.keyPem, chainPem: mitmChain.servedPem }, (_req, res) => {
      res.end('{"intercepted":true}');
    });
    hosts.push(api, mitm);
    route = await LoopbackRoute.open(api.port);

    // The domain, protected through the pins admin API: the leaf's pin, typed in, and the backup.
    await eventually(
      async () => (await call(services.pins.url, 'GET', '/v1/domains', adminKey)).status === 200,
      'the pins service to know the admin key',
      30_000,
    );
    const domain = await call(services.pins.url, 'POST', '/v1/domains', adminKey, {
      pattern: API_HOST,
      port: route.port,
      pins: [
        { pin: leafPin, label: 'payments leaf' },
        { pin: backupPin, source: 'backup', label: 'offline backup' },
      ],
    });
    expect(domain).toMatchObject({ status: 201, body: { pattern: API_HOST } });
    domainId = domain.body.id as string;

    shipped = await release();
    // The API server's verifier learns the tenant's keys from the keys topic too.
    const genuineToken = (await client('genuine').token()).token;
    await eventually(
      async () =>
        (await call(services.verifier.url, 'POST', '/v1/verify', undefined, { token: genuineToken })).body.decision ===
        'accept',
      "the verifier to accept a genuine app's token",
      30_000,
    );
  }, 180_000);

  afterAll(async () => {
    // The processes first, whatever else fails: a child left running keeps Jest alive.
    try {
      await Promise.all(processes.map((p) => p.stop()));
    } finally {
      await Promise.all([...hosts.map((host) => host.close()), route.close()]);
      const database = new DataSource({ type: 'postgres', url: env.databaseUrl });
      await database.initialize();
      for (const schema of Object.values(schemas)) await database.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await database.destroy();
    }
  });

  /**
   * The app's release pipeline: what `tessera pins export --initial <app>` writes, from the pins service's
   * `GET /v1/apps/:appId/pins/initial-config` (an API key with pins:read): the app's current signed config and the
   * tenant's pins JWKS, to ship with the build. Asked until the service's view has the API host's domain.
   */
  async function release(): Promise<Shipped> {
    let shippedRelease: Shipped | undefined;
    await eventually(
      async () => {
        const answer = await call(services.pins.url, 'GET', `/v1/apps/${appId}/pins/initial-config`, adminKey);
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ tenant, appId, version: expect.any(Number) as unknown });
        const keys = PinConfigKeySetSchema.parse(answer.body.keys);
        const initialConfig = answer.body.config as string;
        const verified = await verifyPinConfig(initialConfig, { keys, tenant, appId });
        if (!verified.ok || !verified.config.domains.some((d) => d.pattern === API_HOST)) return false;
        expect(verified.config.version).toBe(answer.body.version);
        shippedRelease = { keys, initialConfig };
        return true;
      },
      'the initial config to pin the API host',
      30_000,
    );
    // The keys shipped are the tenant's public pins JWKS.
    const jwks = await call(services.pins.url, 'GET', `/tenants/${tenant}/pins/jwks.json`);
    expect(PinConfigKeySetSchema.parse(jwks.body)).toEqual(shippedRelease!.keys);
    return shippedRelease!;
  }

  function client(profile: SimulatedDeviceProfile): TesseraClient {
    const device = SimulatedDevice.profile(profile, genuine);
    return new TesseraClient({
      baseUrl: services.integrity.url,
      tenant,
      appId,
      measurement: device.measurement,
      deviceSignals: device.deviceSignals,
      keyStore: new MemoryInstallationKeyStore(),
    });
  }

  /**
   * The app: the SDK wired as docs/sdk.md shows, the fetcher attached to the client (it refreshes the config and
   * the secure strings after each new token by itself). The test notes what the fetcher did (`onRefresh`) and, through
   * the fetch it gives the fetcher, each answer of the pins service's `GET /v1/config`.
   */
  class PinnedApp {
    readonly refreshes: PinConfigRefresh[] = [];
    /** When each config was adopted (epoch ms). */
    readonly adoptedAt = new Map<number, number>();
    private constructor(
      /** Each answer the SDK had from `GET /v1/config`, as it came. */
      readonly configAnswers: { status: number; text: string }[],
      readonly tessera: TesseraClient,
      readonly store: PinConfigStore,
      readonly updates: PinConfigFetcher,
      readonly reporter: PinViolationReporter,
      readonly agent: PinnedAgent,
    ) {}

    static async install(profile: SimulatedDeviceProfile, release: Shipped): Promise<PinnedApp> {
      const tessera = client(profile);
      const store = await PinConfigStore.fromInitialConfig(release.initialConfig, {
        keys: release.keys,
        tenant,
        appId,
      });
      const configAnswers: { status: number; text: string }[] = [];
      const updates = new PinConfigFetcher({
        store,
        pinsBaseUrl: services.pins.url,
        fetch: async (input, init) => {
          const answer = await fetch(input, init);
          configAnswers.push({ status: answer.status, text: await answer.clone().text() });
          return answer;
        },
      });
      const reporter = new PinViolationReporter({
        pinsBaseUrl: services.pins.url,
        tenant,
        appId,
        installationId: () => tessera.installationId(),
      });
      // The device's trust store: the API's CA, and the interception proxy's (a user-installed CA, say).
      const agent = pinnedAgent(
        store,
        { reporter },
        { ca: [apiChain.root.pem, mitmChain.root.pem], lookup: loopbackLookup },
      );
      const app = new PinnedApp(configAnswers, tessera, store, updates, reporter, agent);
      updates.attach(tessera, {
        onRefresh: (refresh) => {
          app.refreshes.push(refresh);
          if (refresh.outcome === 'adopted') app.adoptedAt.set(refresh.version, Date.now());
        },
      });
      return app;
    }

    /** The pins the config in force expects for the API host. */
    get apiPins(): readonly string[] {
      return this.store.config.domains.find((d) => d.pattern === API_HOST)?.pins ?? [];
    }

    /** The app's secure strings the SDK holds, name to value (undefined before the first answer, or after a 401). */
    get secureStrings(): Record<string, string> | undefined {
      const held = this.updates.secureStrings;
      return held && Object.fromEntries(held.names.map((name) => [name, held.get(name)!]));
    }

    /**
     * The app's start: it attests, the attached fetcher asks `GET /v1/config` for the config and the secure strings
     * (it holds none yet), and the app waits for that; the pins service's answer as the SDK had it.
     */
    async loadSecureStrings(): Promise<{ status: number; text: string }> {
      await this.tessera.token();
      await this.updates.idle();
      const answer = this.configAnswers.at(-1);
      if (answer === undefined) throw new Error('the SDK asked the pins service nothing');
      return answer;
    }

    /** GET https://API_HOST{path} over the pinned agent: the answer, or the error the request failed with. */
    async callApi(path: string): Promise<ApiAnswer | Error> {
      const headers: Record<string, string> = { [TOKEN_HEADER]: (await this.tessera.token()).token };
      const apiKey = this.updates.secureString('paymentsApiKey');
      if (apiKey !== undefined) headers['x-api-key'] = apiKey;
      return new Promise((resolve) => {
        const req = request(`https://${API_HOST}:${route.port}${path}`, { agent: this.agent, headers }, (res) => {
          const leaf = (res.socket as TLSSocket).getPeerCertificate();
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Json, servedLeafPin: spkiPin(leaf.raw) });
          });
        });
        req.on('error', resolve);
        req.end();
      });
    }
  }

  // A step that fails with the path through a MitM must not fail the next ones for that.
  afterEach(() => {
    route.to(api.port);
  });

  let app: PinnedApp;
  /** Every answer the genuine app had from the API, in order. */
  const calls: (ApiAnswer | Error)[] = [];
  const callApi = async (path = '/v1/balance') => {
    const answer = await app.callApi(path);
    calls.push(answer);
    return answer;
  };
  /**
   * The app calling the API about twice a second until `done`, each call answered 200 by a host presenting
   * `servedLeafPin`; fails at the first other answer, or after `timeoutMs`.
   */
  const keepCalling = async (servedLeafPin: string, done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await expect(callApi()).resolves.toMatchObject({ status: 200, servedLeafPin });
      if (done()) return;
      if (Date.now() > deadline) throw new Error(`still not done after ${timeoutMs} ms of calls`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const reportsOf = async (installationId: string) => {
    const answer = await call(services.pins.url, 'GET', `/v1/pin-reports?appId=${appId}`, adminKey);
    expect(answer.status).toBe(200);
    return (answer.body.items as Json[]).filter((report) => report.installationId === installationId);
  };

  it('1. a genuine app attests, has its pins and its secure string, and calls the API over a pinned connection', async () => {
    app = await PinnedApp.install('genuine', shipped);
    expect(app.apiPins).toEqual([leafPin, backupPin]);

    const secrets = await app.loadSecureStrings();
    expect(secrets.status).toBe(200);
    expect(app.secureStrings).toEqual({ paymentsApiKey: SECRET });
    // The shipped config is the service's latest: the token names no newer one, so the SDK's one request, for the
    // secure strings, brought no new version ('adopted' only for the same version re-signed, should the service have
    // renewed it half-way through its 60 s since the export).
    expect(app.refreshes).toEqual([
      { outcome: expect.stringMatching(/^(current|adopted)$/) as unknown, version: app.store.version },
    ]);
    expect(app.store.version).toBe((decodeJwt(shipped.initialConfig) as { version: number }).version);
    expect(app.configAnswers).toHaveLength(1);

    const answer = await callApi();
    expect(answer).toEqual({
      status: 200,
      body: { greeting: 'hello from the payments API', path: '/v1/balance' },
      servedLeafPin: leafPin,
    });
    expect(api.seen.at(-1)?.headers).toMatchObject({ 'x-api-key': SECRET, host: `${API_HOST}:${route.port}` });
  });

  it('2. behind a MitM (a CA the device trusts, another key) the app is refused by pinning, and the violation reported', async () => {
    route.to(mitm.port);
    const refused = await callApi();
    expect(refused).toBeInstanceOf(PinViolationError);
    // The chain as the TLS stack links it, leaf to root: the root the device trusts for it comes last.
    const mitmPins = [mitmChain.leaf, mitmChain.intermediate, mitmChain.root].map((c) => spkiPin(c.pem));
    expect((refused as PinViolationError).violation).toEqual({
      host: API_HOST,
      pattern: API_HOST,
      expectedPins: [leafPin, backupPin],
      servedPins: mitmPins,
      configVersion: app.store.version,
    });
    // Refused in the handshake: not a byte of the request, so neither the token nor the secret, reached the MitM.
    expect(mitm.seen).toEqual([]);

    await app.reporter.idle();
    expect(app.reporter.stats).toEqual({ sent: 1, dropped: 0, failed: 0 });
    const installationId = await app.tessera.installationId();
    const reports = await reportsOf(installationId);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      appId,
      identity: 'claimed',
      hostname: API_HOST,
      port: route.port,
      pattern: API_HOST,
      expectedPins: [leafPin, backupPin],
      configVersion: app.store.version,
      servedChain: [
        { pin: mitmPins[0], certificate: { subject: `CN=${API_HOST}`, issuer: 'CN=Intercepting Proxy Issuing CA' } },
        { pin: mitmPins[1], certificate: { subject: 'CN=Intercepting Proxy Issuing CA' } },
        { pin: mitmPins[2], certificate: { subject: 'CN=Intercepting Proxy Root CA' } },
      ],
    });

    // The MitM gone, the same app calls again.
    route.to(api.port);
    await expect(callApi()).resolves.toMatchObject({ status: 200, servedLeafPin: leafPin });
  });

  it('3. a repackaged app gets a failure token, and from the pins service a bare 401: no pins, no secrets', async () => {
    const repackaged = await PinnedApp.install('repackaged', shipped);
    const { token } = await repackaged.tessera.token();
    // Refused by the verifier, and told from a forgery as a failure token: the token service published its failure
    // keys before it reported ready.
    const verdict = (await call(services.verifier.url, 'POST', '/v1/verify', undefined, { token })).body;
    expect(verdict).toMatchObject({ decision: 'refuse', reason: 'failure-token' });

    const answer = await repackaged.loadSecureStrings();
    expect(answer.status).toBe(401);
    const body = JSON.parse(answer.text) as Json;
    expect(Object.keys(body).sort()).toEqual(['requestId', 'statusCode']);
    expect(body.statusCode).toBe(401);
    for (const leak of [SECRET, 'paymentsApiKey', 'secureStrings', 'config', leafPin, backupPin]) {
      expect(answer.text).not.toContain(leak);
    }
    expect(repackaged.secureStrings).toBeUndefined();
    // The SDK says why, and keeps the shipped pins in force.
    expect(repackaged.refreshes).toEqual([
      { outcome: 'unauthorized', detail: expect.stringMatching(/answered 401/) as unknown },
    ]);
    expect(repackaged.apiPins).toEqual([leafPin, backupPin]);
    // Its shipped pins still hold (the host is genuine), but the API refuses its token.
    await expect(repackaged.callApi('/v1/balance')).resolves.toMatchObject({
      status: 401,
      body: { error: 'token-refused' },
      servedLeafPin: leafPin,
    });
  });

  it(
    '4. a certificate rotation: the same app, unchanged, calls the API before, during and after, refetching its config',
    async () => {
      const firstCall = calls.length;
      const versionBefore = app.store.version;
      await expect(callApi()).resolves.toMatchObject({ status: 200, servedLeafPin: leafPin });

      // Publish: the new key's pin joins the set. Retiring the old one must wait until every app could have it.
      const planned = await call(services.pins.url, 'POST', `/v1/domains/${domainId}/rotations`, adminKey, {
        newPins: [{ pin: nextPin, label: 'payments leaf, next key' }],
        retirePins: [leafPin],
      });
      expect(planned).toMatchObject({ status: 201, body: { state: 'waiting', retirePins: [leafPin] } });
      const rotationId = planned.body.id as string;
      const publishedAt = Date.parse(planned.body.publishedAt as string);
      const retireAllowedAt = Date.parse(planned.body.retireAllowedAt as string);
      expect(retireAllowedAt - publishedAt).toBe(CONFIG_LIFETIME_SECONDS * 1000);
      const retire = (servedChainPem: string) =>
        call(services.pins.url, 'POST', `/v1/rotations/${rotationId}/retire`, adminKey, { servedChainPem });
      const nextServedPem = `${nextLeaf.pem}\n${apiChain.intermediate.pem}\n`;
      await expect(retire(nextServedPem)).resolves.toMatchObject({ status: 409, body: { reason: 'too-early' } });

      // The wait: the app keeps calling; at its next attestation the token names the new version and it fetches it.
      await keepCalling(leafPin, () => Date.now() >= retireAllowedAt, CONFIG_LIFETIME_SECONDS * 1000 + 5_000);
      expect(app.apiPins).toEqual([leafPin, backupPin, nextPin]);
      expect(app.store.version).toBeGreaterThan(versionBefore);
      expect(app.refreshes).toContainEqual({ outcome: 'adopted', version: app.store.version });
      const waited = await call(services.pins.url, 'GET', `/v1/rotations/${rotationId}`, adminKey);
      expect(waited.body.state).toBe('ready-to-switch');
      // The host still serves the old key: retiring it now would lock every app out.
      await expect(retire(apiChain.servedPem)).resolves.toMatchObject({
        status: 409,
        body: { reason: 'would-not-match-served-chain' },
      });

      // The switch: the API server serves its new key pair; the app, holding old and new, goes on.
      api.serve({ keyPem: nextLeaf.keyPem, chainPem: nextServedPem });
      await expect(callApi()).resolves.toMatchObject({ status: 200, servedLeafPin: nextPin });

      // The retire: the old pin leaves the set; the app's next attestation brings it the config without it.
      const retired = await retire(nextServedPem);
      expect(retired).toMatchObject({ status: 200, body: { rotation: { state: 'retired' } } });
      expect((retired.body.domain as { pins: { pin: string }[] }).pins.map((p) => p.pin)).toEqual([backupPin, nextPin]);
      const versionRotated = app.store.version;
      const retiredAt = Date.now();
      await keepCalling(nextPin, () => !app.apiPins.includes(leafPin), TOKEN_LIFETIME_SECONDS * 1000);
      expect(app.apiPins).toEqual([backupPin, nextPin]);
      expect(app.store.version).toBeGreaterThan(versionRotated);

      // Every call of the rotation succeeded, from one app whose code and shipped config never changed.
      const rotationCalls = calls.slice(firstCall);
      expect(rotationCalls.length).toBeGreaterThan(10);
      expect(rotationCalls.filter((answer) => answer instanceof Error || answer.status !== 200)).toEqual([]);
      const after = (version: number, since: number) => ((app.adoptedAt.get(version) ?? NaN) - since) / 1000;
      process.stdout.write(
        `the rotation: ${rotationCalls.length} API calls, all answered 200; the app adopted the config with the new ` +
          `pin ${after(versionRotated, publishedAt)} s after its publication, the one without the old pin ` +
          `${after(app.store.version, retiredAt)} s after the retire\n`,
      );

      // And the retired key is refused now: a host still serving it (stolen, say) fails the pins.
      const stale = await TlsHost.start({ keyPem: apiChain.leaf.keyPem, chainPem: apiChain.servedPem }, apiHandler);
      hosts.push(stale);
      route.to(stale.port);
      const refused = await app.callApi('/v1/balance');
      route.to(api.port);
      expect(refused).toBeInstanceOf(PinViolationError);
      expect((refused as PinViolationError).violation.expectedPins).toEqual([backupPin, nextPin]);
      expect(stale.seen).toEqual([]);
    },
    (CONFIG_LIFETIME_SECONDS + 3 * TOKEN_LIFETIME_SECONDS) * 1000,
  );
});
