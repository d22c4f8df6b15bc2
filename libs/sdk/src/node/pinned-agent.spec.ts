import { request } from 'node:https';
import { connect } from 'node:tls';
import type { DomainPattern } from '@tessera/contracts';
import { PinViolationError } from '../pinning/pin-check';
import { PinConfigStore } from '../pinning/pin-config-store';
import { PinViolationReporter } from '../pinning/pin-violation-reporter';
import { PIN_APP_ID, PIN_NOW, pinsSigner } from '../pinning/testing/pin-world';
import { type PinnedAgent, pinnedAgent, pinnedCheckServerIdentity } from './pinned-agent';
import { certificateAuthority, httpsServer, type Issued, serverCertificate } from './testing/tls-world';

/**
 * Pinning over real TLS: HTTPS servers on loopback with certificates made here, all issued by a CA the client
 * trusts, so every refusal below is pinning's and not the CA check's.
 */
const signer = pinsSigner();
let ca: Issued;
let genuine: Issued;
let mitm: Issued;
let backup: Issued;
const servers: { close: () => Promise<void> }[] = [];

beforeAll(async () => {
  ca = await certificateAuthority('Tessera Test CA');
  [genuine, mitm, backup] = await Promise.all([
    serverCertificate(ca, ['api.example.com']),
    serverCertificate(ca, ['api.example.com', 'www.example.com', 'other.org']),
    serverCertificate(ca, ['api.example.com']),
  ]);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(leaf: Issued) {
  const server = await httpsServer(leaf);
  servers.push(server);
  return server.port;
}

const config = (version: number, domains: { pattern: DomainPattern; pins: string[] }[]) =>
  signer.sign({ version, domains });

async function world(domains: { pattern: DomainPattern; pins: string[] }[]) {
  const store = await PinConfigStore.fromInitialConfig(await config(1, domains), {
    keys: signer.keys,
    tenant: 'acme',
    appId: PIN_APP_ID,
    now: () => PIN_NOW,
  });
  const reports: Record<string, unknown>[] = [];
  const reporter = new PinViolationReporter({
    pinsBaseUrl: 'https://pins.test',
    tenant: 'acme',
    appId: PIN_APP_ID,
    installationId: () => Promise.resolve('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'),
    fetch: (_input, init) => {
      reports.push(JSON.parse(init?.body as string) as Record<string, unknown>);
      return Promise.resolve(new Response(null, { status: 202 }));
    },
  });
  const agent = pinnedAgent(store, { reporter }, { ca: ca.pem });
  return { store, reporter, reports, agent };
}

/** GET https://{host}:{port}/ over loopback through `agent`: the body, or the error the request failed with. */
function get(agent: PinnedAgent, host: string, port: number): Promise<string | Error> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', servername: host, headers: { host }, port, path: '/', agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        resolve(body);
      });
    });
    req.on('error', resolve);
    req.end();
  });
}

describe('pinnedAgent: pins enforced on real TLS connections', () => {
  it('lets a request through to the genuine server, whose leaf key is pinned', async () => {
    const { agent, reports } = await world([{ pattern: 'api.example.com', pins: [genuine.pin, backup.pin] }]);
    await expect(get(agent, 'api.example.com', await serve(genuine))).resolves.toBe('hello');
    expect(reports).toEqual([]);
    agent.destroy();
  });

  it('refuses a MitM server with another key signed by a CA the client trusts, and reports it', async () => {
    const { agent, reporter, reports } = await world([{ pattern: 'api.example.com', pins: [genuine.pin, backup.pin] }]);
    const port = await serve(mitm);
    const result = await get(agent, 'api.example.com', port);
    expect(result).toBeInstanceOf(PinViolationError);
    expect((result as PinViolationError).violation).toEqual({
      host: 'api.example.com',
      pattern: 'api.example.com',
      expectedPins: [genuine.pin, backup.pin],
      servedPins: [mitm.pin, ca.pin],
      configVersion: 1,
    });
    await reporter.idle();
    expect(reports).toEqual([
      expect.objectContaining({
        hostname: 'api.example.com',
        port,
        expectedPins: [genuine.pin, backup.pin],
        servedPins: [mitm.pin, ca.pin],
        servedChain: [
          Buffer.from(mitm.cert.rawData).toString('base64'),
          Buffer.from(ca.cert.rawData).toString('base64'),
        ],
        configVersion: 1,
      }),
    ]);
    agent.destroy();
  });

  it('accepts a chain pinned at its CA: the whole served chain is checked, leaf to root', async () => {
    const { agent } = await world([{ pattern: 'api.example.com', pins: [ca.pin, backup.pin] }]);
    await expect(get(agent, 'api.example.com', await serve(mitm))).resolves.toBe('hello');
    agent.destroy();
  });

  it('pins the hosts a wildcard pattern covers', async () => {
    const www = await serverCertificate(ca, ['www.example.com']);
    const { agent } = await world([{ pattern: '*.example.com', pins: [www.pin, backup.pin] }]);
    await expect(get(agent, 'www.example.com', await serve(www))).resolves.toBe('hello');
    await expect(get(agent, 'www.example.com', await serve(mitm))).resolves.toBeInstanceOf(PinViolationError);
    agent.destroy();
  });

  it('lets a host no pattern covers pass on the CA check alone', async () => {
    const { agent, reports } = await world([{ pattern: 'api.example.com', pins: [genuine.pin, backup.pin] }]);
    await expect(get(agent, 'other.org', await serve(mitm))).resolves.toBe('hello');
    expect(reports).toEqual([]);
    agent.destroy();
  });

  it("runs Node's host name check first: a certificate for another name fails it, and is no pin violation", async () => {
    const { agent, reporter, reports } = await world([{ pattern: 'api.example.com', pins: [genuine.pin] }]);
    const result = await get(agent, 'api.example.com', await serve(await serverCertificate(ca, ['else.example.com'])));
    expect(result).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    await reporter.idle();
    expect(reports).toEqual([]);
    agent.destroy();
  });

  it('uses the initial config until an update arrives, then the update: a rotation with no app change', async () => {
    const { agent, store } = await world([{ pattern: 'api.example.com', pins: [genuine.pin, backup.pin] }]);
    const rotated = await serve(backup);
    const genuinePort = await serve(genuine);
    const next = await serverCertificate(ca, ['api.example.com']);
    const nextPort = await serve(next);
    await expect(get(agent, 'api.example.com', genuinePort)).resolves.toBe('hello');
    await expect(get(agent, 'api.example.com', rotated)).resolves.toBe('hello'); // the backup key is pinned already
    await expect(get(agent, 'api.example.com', nextPort)).resolves.toBeInstanceOf(PinViolationError);

    await expect(
      store.update(await config(2, [{ pattern: 'api.example.com', pins: [backup.pin, next.pin] }])),
    ).resolves.toEqual({
      adopted: true,
      version: 2,
    });
    await expect(get(agent, 'api.example.com', nextPort)).resolves.toBe('hello');
    await expect(get(agent, 'api.example.com', genuinePort)).resolves.toBeInstanceOf(PinViolationError);
    agent.destroy();
  });

  it('does not adopt a config with a bad signature or an older version: the MitM stays refused', async () => {
    const { agent, store } = await world([{ pattern: 'api.example.com', pins: [genuine.pin, backup.pin] }]);
    const opened = [{ pattern: 'api.example.com' as const, pins: [mitm.pin, backup.pin] }];
    const forged = await pinsSigner('pins-1').sign({ version: 5, domains: opened });
    await expect(store.update(forged)).resolves.toMatchObject({ adopted: false, reason: 'bad-signature' });
    await expect(store.update(await config(0, opened))).resolves.toMatchObject({ adopted: false, reason: 'not-newer' });
    await expect(get(agent, 'api.example.com', await serve(mitm))).resolves.toBeInstanceOf(PinViolationError);
    agent.destroy();
  });
});

describe('pinnedCheckServerIdentity with tls.connect', () => {
  it('refuses the handshake on a violation, before the application sends anything', async () => {
    const { store } = await world([{ pattern: 'api.example.com', pins: [genuine.pin, backup.pin] }]);
    const port = await serve(mitm);
    const error = await new Promise<Error>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port,
        servername: 'api.example.com',
        ca: ca.pem,
        checkServerIdentity: pinnedCheckServerIdentity(store, { port }),
      });
      socket.on('secureConnect', () => {
        socket.destroy();
        resolve(new Error('connected'));
      });
      socket.on('error', resolve);
    });
    expect(error).toBeInstanceOf(PinViolationError);
  });
});
