import { createHash, KeyObject, X509Certificate } from 'node:crypto';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';

/**
 * For the end-to-end tests of certificate pinning: real TLS servers on loopback, the network path between an app
 * and its API host (which a test can send through a MitM), and the DNS of the app's device.
 */

/**
 * The pin of a key: base64 SHA-256 of its DER SubjectPublicKeyInfo (RFC 7469 `pin-sha256`), computed here with
 * node:crypto alone, from a certificate (PEM or DER) or a public key.
 */
export function spkiPin(certificateOrKey: string | Buffer | KeyObject): string {
  const key =
    certificateOrKey instanceof KeyObject ? certificateOrKey : new X509Certificate(certificateOrKey).publicKey;
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('base64');
}

/** The device's DNS in these tests: every name is 127.0.0.1 (what `net.connect`'s `lookup` option takes). */
export function loopbackLookup(
  _hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  // Node asks for every address (`all`) when it may try several families (autoSelectFamily, on by default).
  if (options.all === true) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}

/** What a host saw of one request. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/**
 * An HTTPS server on 127.0.0.1 serving a certificate chain (leaf first, PEM) with its leaf's key, which it can
 * switch at run time (`serve`) without a restart, as a server team does when it changes its certificate. It notes
 * every request that reaches it.
 */
export class TlsHost {
  readonly seen: SeenRequest[] = [];
  private readonly server: Server;

  private constructor(chain: { keyPem: string; chainPem: string }, handler: RequestHandler) {
    this.server = createServer({ key: chain.keyPem, cert: chain.chainPem }, (request, response) => {
      this.seen.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers });
      Promise.resolve(handler(request, response)).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
  }

  static async start(chain: { keyPem: string; chainPem: string }, handler: RequestHandler): Promise<TlsHost> {
    const host = new TlsHost(chain, handler);
    await new Promise<void>((resolve) => host.server.listen(0, '127.0.0.1', resolve));
    return host;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Serves another chain and key from the next handshake on. */
  serve(chain: { keyPem: string; chainPem: string }): void {
    this.server.setSecureContext({ key: chain.keyPem, cert: chain.chainPem });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}

/**
 * The network path to a host name: a TCP port on loopback that forwards each new connection, bytes untouched, to the
 * server it points at now (`to`). Pointing it at another TLS server is a MitM on the path.
 */
export class LoopbackRoute {
  private readonly server = net.createServer((client) => {
    this.forward(client);
  });
  private readonly sockets = new Set<net.Socket>();

  private constructor(private target: number) {}

  static async open(targetPort: number): Promise<LoopbackRoute> {
    const route = new LoopbackRoute(targetPort);
    await new Promise<void>((resolve) => route.server.listen(0, '127.0.0.1', resolve));
    return route;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Sends the connections made from now on to `targetPort`. */
  to(targetPort: number): void {
    this.target = targetPort;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect(this.target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }
}
