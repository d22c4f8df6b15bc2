import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { NoServiceEndpointError } from '../errors';
import { ExitCode } from '../exit-codes';
import { ADMIN_KEY, FakeApi } from '../testing/fake-api';
import { AdminApiClient } from './admin-api-client';
import { ApiError, EndpointUnreachableError, UnexpectedAnswerError } from './api-errors';

const client = (api: FakeApi, options: { timeoutMs?: number } = {}) =>
  new AdminApiClient({ endpoint: 'http://api.test/prefix/', key: ADMIN_KEY, fetch: api.fetch, ...options });

describe('AdminApiClient', () => {
  it('sends the key as a bearer token, JSON bodies, and only the query values given', async () => {
    const api = new FakeApi().on('POST', '/prefix/v1/teams', { status: 201, body: { id: 't1', name: 'Payments' } });
    api.on('GET', '/prefix/v1/apps', { body: { items: [], nextCursor: null } });
    expect(await client(api).createTeam({ name: 'Payments' })).toEqual({ id: 't1', name: 'Payments' });
    await client(api).listApps({ limit: 5, teamId: undefined, platform: 'ios' });

    const post = api.only('POST', '/prefix/v1/teams');
    expect(post.headers.get('authorization')).toBe(`Bearer ${ADMIN_KEY}`);
    expect(post.headers.get('content-type')).toBe('application/json');
    expect(post.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(post.json).toEqual({ name: 'Payments' });
    expect(post.init.redirect).toBe('manual');
    const list = api.only('GET', '/prefix/v1/apps');
    expect(list.url.search).toBe('?limit=5&platform=ios');
    expect(list.init.body).toBeUndefined();
  });

  it('encodes path segments', async () => {
    const api = new FakeApi().on('DELETE', '/v1/apps/a%2Fb/secure-strings/x%20y', { status: 204 });
    const plain = new AdminApiClient({ endpoint: 'http://api.test', key: ADMIN_KEY, fetch: api.fetch });
    await expect(plain.deleteSecureString('a/b', 'x y')).resolves.toBeUndefined();
  });

  it('turns an error answer into an ApiError with its message, errors, reason and request id', async () => {
    const api = new FakeApi()
      .on('POST', '/prefix/v1/teams', {
        status: 400,
        body: { statusCode: 400, message: 'invalid body', errors: ['name: must not be empty'], requestId: 'r-1' },
      })
      .on('POST', '/prefix/v1/registrations/apk', {
        status: 422,
        body: { statusCode: 422, reason: 'unsigned', message: 'the APK is not signed', requestId: 'r-2' },
      })
      .on('GET', '/prefix/v1/teams/x', { status: 502, body: 'Bad Gateway', headers: { 'x-request-id': 'from-proxy' } });
    const invalid = await client(api)
      .createTeam({ name: '' })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ApiError);
    expect(invalid).toMatchObject({
      status: 400,
      message: 'invalid body',
      errors: ['name: must not be empty'],
      requestId: 'r-1',
      exitCode: ExitCode.failure,
    });
    const upload = {
      body: Readable.toWeb(Readable.from([Buffer.from('PK')])) as ReadableStream<Uint8Array>,
      contentType: 'x',
    };
    await expect(client(api).uploadApk(upload)).rejects.toMatchObject({ status: 422, reason: 'unsigned' });
    await expect(client(api).getTeam('x')).rejects.toMatchObject({
      status: 502,
      requestId: 'from-proxy',
      exitCode: ExitCode.serverError,
    });
  });

  it('keeps the ids a 409 names (the revocation or override in force), and nothing else of the body', async () => {
    const revocationId = '3e1d7c52-5a8f-4f0b-9b43-1f0c3a2b9d10';
    const api = new FakeApi().on('POST', '/prefix/v1/revocations', {
      status: 409,
      body: { statusCode: 409, message: 'this device is already revoked', revocationId, requestId: 'r-3' },
    });
    const conflict = await client(api)
      .createRevocation({ subject: { kind: 'device', value: 'd' } })
      .catch((e: unknown) => e);
    expect(conflict).toMatchObject({
      status: 409,
      message: 'this device is already revoked',
      ids: { revocationId },
      requestId: 'r-3',
      exitCode: ExitCode.conflict,
    });
  });

  it('refuses to follow a redirect (it could carry the key elsewhere) and a body that is not JSON', async () => {
    const api = new FakeApi();
    const fetchRedirect: typeof fetch = () =>
      Promise.resolve(new Response(null, { status: 307, headers: { location: 'http://evil.test/' } }));
    const redirected = new AdminApiClient({ endpoint: 'http://api.test', key: ADMIN_KEY, fetch: fetchRedirect });
    await expect(redirected.currentTenant()).rejects.toThrow(UnexpectedAnswerError);
    await expect(redirected.currentTenant()).rejects.toThrow('redirects (307) to http://evil.test/');
    const html: typeof fetch = () => Promise.resolve(new Response('<html>', { status: 200 }));
    const notJson = new AdminApiClient({ endpoint: 'http://api.test', key: ADMIN_KEY, fetch: html });
    await expect(notJson.currentTenant()).rejects.toThrow('not JSON');
    expect(api.requests).toHaveLength(0);
  });

  it('reports an unreachable endpoint with its URL and the network reason, and a timeout as such', async () => {
    const refused: typeof fetch = () =>
      Promise.reject(
        new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }),
      );
    const down = new AdminApiClient({ endpoint: 'http://127.0.0.1:1', key: ADMIN_KEY, fetch: refused });
    const error = await down.currentTenant().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointUnreachableError);
    expect((error as Error).message).toBe('cannot reach http://127.0.0.1:1: ECONNREFUSED (connect)');
    expect(error).toMatchObject({ exitCode: ExitCode.unreachable });

    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        // As fetch does: rejects with the signal's reason (a TimeoutError DOMException).
        init?.signal?.addEventListener('abort', () => {
          reject(init.signal?.reason as Error);
        });
      });
    const slow = new AdminApiClient({ endpoint: 'http://api.test', key: ADMIN_KEY, fetch: hanging, timeoutMs: 20 });
    await expect(slow.currentTenant()).rejects.toMatchObject({
      message: 'no answer from http://api.test within 20ms',
      timedOutAfterMs: 20,
    });
  });

  it('streams an upload to a real server with its type and length, without buffering it first', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-spec-'));
    const file = path.join(dir, 'app.apk');
    const content = Buffer.alloc(3 * 1024 * 1024, 7);
    writeFileSync(file, content);
    const received: { headers?: http.IncomingHttpHeaders; bytes: number; url?: string } = { bytes: 0 };
    const server = http.createServer((req, res) => {
      received.headers = req.headers;
      received.url = req.url;
      req.on('data', (chunk: Buffer) => (received.bytes += chunk.length));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'r1' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const real = new AdminApiClient({ endpoint: `http://127.0.0.1:${port}`, key: ADMIN_KEY });
      const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
      const answer = await real.uploadApk(
        { body, contentType: 'application/vnd.android.package-archive', length: content.length },
        { appId: 'a1', versionCodes: 'from', expireAfter: '600s' },
      );
      expect(answer).toEqual({ id: 'r1' });
      expect(received.url).toBe('/v1/registrations/apk?appId=a1&versionCodes=from&expireAfter=600s');
      expect(received.headers?.['content-type']).toBe('application/vnd.android.package-archive');
      expect(received.headers?.['content-length']).toBe(String(content.length));
      expect(received.headers?.authorization).toBe(`Bearer ${ADMIN_KEY}`);
      expect(received.bytes).toBe(content.length);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends the token service requests to its own base URL, with the same key', async () => {
    const api = new FakeApi()
      .on('GET', 'http://token.test/t/v1/signing-keys', { body: { items: [] } })
      .on('POST', 'http://token.test/t/v1/signing-keys/k%2F1/revoke', { body: { kid: 'k/1' } })
      .on('POST', 'http://token.test/t/v1/tokens/inspect', { body: { valid: false } });
    const both = new AdminApiClient({
      endpoint: 'http://api.test',
      tokenEndpoint: 'http://token.test/t/',
      key: ADMIN_KEY,
      fetch: api.fetch,
    });
    expect(await both.listSigningKeys()).toEqual({ items: [] });
    await both.revokeSigningKey('k/1', { reason: 'leaked' });
    await both.inspectToken({ token: 'a.b.c', audience: 'aud' });
    expect(api.requests.map((r) => r.url.origin)).toEqual([
      'http://token.test',
      'http://token.test',
      'http://token.test',
    ]);
    expect(api.only('POST', 'http://token.test/t/v1/signing-keys/k%2F1/revoke').json).toEqual({ reason: 'leaked' });
    expect(api.only('POST', 'http://token.test/t/v1/tokens/inspect').headers.get('authorization')).toBe(
      `Bearer ${ADMIN_KEY}`,
    );
  });

  it('without a token endpoint, refuses the token service methods before sending anything', async () => {
    const api = new FakeApi();
    const registrationOnly = new AdminApiClient({ endpoint: 'http://api.test', key: ADMIN_KEY, fetch: api.fetch });
    await expect(registrationOnly.listSigningKeys()).rejects.toThrow(NoServiceEndpointError);
    expect(api.requests).toHaveLength(0);
  });

  it('names the token service in its errors: which answered, which is unreachable', async () => {
    const api = new FakeApi().on('POST', '/v1/signing-keys/rotate', {
      status: 409,
      body: { statusCode: 409, message: 'too new', requestId: 'r-4' },
    });
    const token = new AdminApiClient({
      endpoint: 'http://api.test',
      tokenEndpoint: 'http://token.test',
      key: ADMIN_KEY,
      fetch: api.fetch,
    });
    await expect(token.rotateSigningKeys()).rejects.toMatchObject({
      status: 409,
      service: 'token',
      path: '/v1/signing-keys/rotate',
      exitCode: ExitCode.conflict,
    });
    api.unreachable = true;
    await expect(token.signingSettings()).rejects.toMatchObject({ url: 'http://token.test', service: 'token' });
    await expect(token.currentTenant()).rejects.toMatchObject({ url: 'http://api.test', service: 'registration' });
  });
});
