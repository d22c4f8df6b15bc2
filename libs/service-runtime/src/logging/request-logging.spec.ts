import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { currentRequestId } from './request-context';
import { requestLogging } from './request-logging';

/** A real HTTP server on loopback whose handler answers with the request id it sees in the request context. */
async function serve(unloggedPaths: string[]) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const middleware = requestLogging(createLogger('test', 'info', stream), { unloggedPaths });
  const server: Server = createServer((req, res) => {
    middleware(req, res, () => {
      res.end(currentRequestId() ?? 'none');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, server, lines };
}

/** pino writes the access line when the response finishes: wait until it arrived or time out. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 2000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('requestLogging', () => {
  it('writes one access line per request, with its path but not its query string', async () => {
    const { url, server, lines } = await serve(['/v1/auth']);
    try {
      const answer = await fetch(`${url}/v1/apps?token=secret`, { headers: { 'x-request-id': 'caller-id-1' } });
      expect(await answer.text()).toBe('caller-id-1');
      expect(answer.headers.get('x-request-id')).toBe('caller-id-1');
      await waitFor(() => lines.length > 0);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ req: { id: 'caller-id-1', method: 'GET', url: '/v1/apps' } });
      expect(JSON.stringify(lines)).not.toContain('secret');
    } finally {
      server.close();
    }
  });

  it('answers an unlogged path with a request id and no access line', async () => {
    const { url, server, lines } = await serve(['/v1/auth']);
    try {
      const unlogged = await fetch(`${url}/v1/auth`);
      const id = unlogged.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await unlogged.text()).toBe(id);
      // A logged request after it: once its line is there, the unlogged one would have been written before it.
      await fetch(`${url}/v1/apps`);
      await waitFor(() => lines.length > 0);
      expect(lines.map((line) => (line.req as { url: string }).url)).toEqual(['/v1/apps']);
    } finally {
      server.close();
    }
  });

  it('makes its own id when the offered one could smuggle something into logs', async () => {
    const { url, server } = await serve([]);
    try {
      const answer = await fetch(url, { headers: { 'x-request-id': 'a b {"level":"fatal"}' } });
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      server.close();
    }
  });
});
