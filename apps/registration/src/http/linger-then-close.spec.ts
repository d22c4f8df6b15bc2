import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lingerThenClose } from './linger-then-close';

/** A server that refuses every upload at once, as the APK endpoint refuses one that is too large. */
function refusingServer(lingerMs: number): Promise<Server> {
  const server = createServer((request, response) => {
    lingerThenClose(request, response, lingerMs);
    response.writeHead(413, { 'content-type': 'text/plain' }).end('too large');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(server);
    }),
  );
}

/** Sends `chunks` chunks of 64 KiB (or until the connection closes); answers the status and whether it closed. */
async function upload(server: Server, chunks: number): Promise<{ status: number; closed: boolean }> {
  const { port } = server.address() as AddressInfo;
  // A keep-alive client (as fetch is): the server decides when the connection ends.
  const agent = new Agent({ keepAlive: true });
  const request = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/', agent });
  request.on('error', () => undefined); // writing after the server closed
  const status = new Promise<number>((resolve) =>
    request.on('response', (r) => {
      resolve(r.statusCode ?? 0);
    }),
  );
  const closed = new Promise<boolean>((resolve) =>
    request.on('close', () => {
      resolve(true);
    }),
  );
  const chunk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < chunks && !request.destroyed; i++) {
    if (!request.write(chunk)) await Promise.race([new Promise((r) => request.once('drain', r)), closed]);
  }
  const answer = await status;
  return {
    status: answer,
    closed: await Promise.race([
      closed,
      new Promise<boolean>((r) =>
        setTimeout(() => {
          r(false);
        }, 200),
      ),
    ]),
  };
}

describe('lingerThenClose', () => {
  let servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    servers = [];
  });

  it('lets a client that goes on sending take in the refusal, then closes a body that never ends', async () => {
    const server = await refusingServer(50);
    servers.push(server);
    server.on('connection', (socket) => socket.on('error', () => undefined));
    // 64 MiB and never ended: far more than the server reads before answering.
    const result = await upload(server, 1024);
    expect(result).toEqual({ status: 413, closed: true });
  });
});
