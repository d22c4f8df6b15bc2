import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { fetchServedChain, ServedChainError, type ServedChainFailure } from './served-chain';
import { pinsFromPem } from './certificate-pins';
import { makeTestChain, type TestChain } from './testing/test-chain';

/** The connections each server accepted: closed with it, so that a server the test keeps silent lets go. */
const connections = new Map<Server | TcpServer, Set<Socket>>();

function listen(server: Server | TcpServer): Promise<number> {
  const sockets = new Set<Socket>();
  connections.set(server, sockets);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

function close(server: Server | TcpServer): Promise<void> {
  for (const socket of connections.get(server) ?? []) socket.destroy();
  return new Promise((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

async function failureOf(promise: Promise<unknown>): Promise<ServedChainError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ServedChainError)) throw new Error(`expected a ServedChainError, got ${String(error)}`);
  return error;
}

describe('fetchServedChain', () => {
  let chain: TestChain;
  let server: Server;
  let port: number;
  const servers: (Server | TcpServer)[] = [];

  beforeAll(async () => {
    chain = await makeTestChain(['api.test', '127.0.0.1']);
    server = createServer({ cert: chain.servedPem, key: chain.leaf.keyPem });
    servers.push(server);
    port = await listen(server);
  });

  afterAll(async () => {
    await Promise.all(servers.map(close));
  });

  it('reads the served chain, leaf first, verified against the CA given and for the name', async () => {
    const served = await fetchServedChain({ host: '127.0.0.1', port, servername: 'api.test', ca: chain.root.pem });
    const expected = await pinsFromPem(chain.fullPem);
    expect(served.authorized).toBe(true);
    expect(served.authorizationError).toBeNull();
    // The root comes from the trust store: the server sent the leaf and the intermediate.
    expect(served.pins).toEqual(expected);
    expect(served.certificates.map((c) => c.subject)).toEqual(['CN=api.test', 'CN=Test Issuing CA', 'CN=Test Root CA']);
  });

  it('checks an IP address host against the IP names of the certificate', async () => {
    const served = await fetchServedChain({ host: '127.0.0.1', port, ca: [chain.root.pem] });
    expect(served.authorized).toBe(true);
  });

  it('reads a chain the trust store does not know, and says it did not verify', async () => {
    const served = await fetchServedChain({ host: '127.0.0.1', port, servername: 'api.test' });
    expect(served.authorized).toBe(false);
    expect(served.authorizationError).toMatch(/ISSUER|SELF_SIGNED/);
    expect(served.pins.map((p) => p.place)).toEqual(['leaf', 'intermediate']);
    expect(served.pins.map((p) => p.pin)).toEqual((await pinsFromPem(chain.servedPem)).map((p) => p.pin));
  });

  it('says when the certificate is not for the name asked', async () => {
    const served = await fetchServedChain({ host: '127.0.0.1', port, servername: 'other.test', ca: chain.root.pem });
    expect(served.authorized).toBe(false);
    expect(served.authorizationError).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('times out on a server that accepts and says nothing', async () => {
    const silent = createTcpServer(() => undefined);
    servers.push(silent);
    const silentPort = await listen(silent);
    const started = Date.now();
    const error = await failureOf(fetchServedChain({ host: '127.0.0.1', port: silentPort, timeoutMs: 300 }));
    expect(error.failure).toBe<ServedChainFailure>('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('says a closed port refused', async () => {
    const gone = createTcpServer();
    const gonePort = await listen(gone);
    await close(gone);
    expect((await failureOf(fetchServedChain({ host: '127.0.0.1', port: gonePort }))).failure).toBe('refused');
  });

  it('says a name that does not resolve is a DNS failure', async () => {
    const error = await failureOf(fetchServedChain({ host: 'no-such-host.invalid', port: 443, timeoutMs: 3000 }));
    expect(error.failure).toBe('dns');
  });

  it('says a server that does not speak TLS failed the handshake', async () => {
    const plain = createTcpServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    servers.push(plain);
    const plainPort = await listen(plain);
    const error = await failureOf(fetchServedChain({ host: '127.0.0.1', port: plainPort }));
    expect(error.failure).toBe('tls-handshake');
    expect(error.detail).toMatch(/^ERR_SSL_/);
  });

  it('names the alert of a server that aborts the handshake', async () => {
    const picky = createServer({
      cert: chain.servedPem,
      key: chain.leaf.keyPem,
      // In TLS 1.2 the server refuses a client without a certificate before the handshake ends, with an alert.
      maxVersion: 'TLSv1.2',
      requestCert: true,
      rejectUnauthorized: true,
    });
    servers.push(picky);
    const pickyPort = await listen(picky);
    const error = await failureOf(fetchServedChain({ host: '127.0.0.1', port: pickyPort }));
    expect(error.failure).toBe('tls-handshake');
    expect(error.detail).toMatch(/ALERT/);
  });
});
