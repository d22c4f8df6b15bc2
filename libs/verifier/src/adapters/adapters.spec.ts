import { createServer, type Server } from 'node:http';
import { generateKeyMaterial, signToken } from '@tessera/tokens';
import type { ExecutionContext } from '@nestjs/common';
import { RevocationIndex } from '../revocation-index';
import { genuineClaims, signingKeyEvent } from '../testing/token-fixtures';
import { TokenVerifier, type Verification } from '../token-verifier';
import { VerificationKeySet } from '../verification-key-set';
import { tesseraMiddleware, type TesseraRequest } from './express-middleware';
import { TesseraGuard, TesseraUnauthorized } from './nest-guard';
import type { ProtectionMode } from './protection';

const material = generateKeyMaterial('ES256');
const keyEvent = signingKeyEvent('adapter-key-01', material);
const keys = new VerificationKeySet();
keys.applySigningKey('acme', keyEvent);
const verifier = new TokenVerifier({ keys, revocations: new RevocationIndex() });
const genuine = () =>
  signToken({ kid: 'adapter-key-01', alg: 'ES256', privateKey: material.privateKey }, genuineClaims());

/** A real HTTP server on loopback with the middleware in front of a handler that says what it saw. */
async function serve(mode: ProtectionMode, decisions: Verification[]): Promise<{ url: string; server: Server }> {
  const middleware = tesseraMiddleware({ verifier, mode, onDecision: (decision) => decisions.push(decision) });
  const server = createServer((request, response) => {
    middleware(request, response, () => {
      response.end(JSON.stringify({ reached: true, tenant: (request as TesseraRequest).tessera?.tenant ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe('the Express middleware', () => {
  it('enforce: lets a genuine token through with req.tessera, answers 401 with the reason otherwise', async () => {
    const decisions: Verification[] = [];
    const { url, server } = await serve('enforce', decisions);
    try {
      const ok = await fetch(url, { headers: { 'tessera-token': await genuine() } });
      await expect(ok.json()).resolves.toEqual({ reached: true, tenant: 'acme' });
      const refused = await fetch(url, { headers: { 'tessera-token': 'forged' } });
      expect(refused.status).toBe(401);
      await expect(refused.json()).resolves.toEqual({ statusCode: 401, reason: 'malformed' });
      const missing = await fetch(url);
      await expect(missing.json()).resolves.toEqual({ statusCode: 401, reason: 'missing' });
      expect(decisions.map((d) => d.accepted)).toEqual([true, false, false]);
    } finally {
      server.close();
    }
  });

  it('monitor: lets everything through, without req.tessera for what it would refuse, and reports it', async () => {
    const decisions: Verification[] = [];
    const { url, server } = await serve('monitor', decisions);
    try {
      const refused = await fetch(url, { headers: { 'tessera-token': 'forged' } });
      expect(refused.status).toBe(200);
      await expect(refused.json()).resolves.toEqual({ reached: true, tenant: null });
      expect(decisions).toMatchObject([{ accepted: false, reason: 'malformed' }]);
    } finally {
      server.close();
    }
  });
});

describe('the NestJS guard', () => {
  const contextFor = (headers: Record<string, string>) => {
    const request: { headers: Record<string, string>; tessera?: unknown } = { headers };
    const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
    return { request, context };
  };

  it('enforce: true with request.tessera for a genuine token; a 401-shaped error otherwise', async () => {
    const guard = new TesseraGuard({ verifier, mode: 'enforce' });
    const { request, context } = contextFor({ 'tessera-token': await genuine() });
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.tessera).toMatchObject({ tenant: 'acme' });
    const refused = guard.canActivate(contextFor({}).context);
    await expect(refused).rejects.toBeInstanceOf(TesseraUnauthorized);
    await expect(refused).rejects.toMatchObject({ statusCode: 401, status: 401, expose: true, reason: 'missing' });
  });

  it('monitor: true for everything', async () => {
    const guard = new TesseraGuard({ verifier, mode: 'monitor' });
    await expect(guard.canActivate(contextFor({ 'tessera-token': 'forged' }).context)).resolves.toBe(true);
  });
});

describe('the NestJS guard in a Nest application', () => {
  it("answers 401 through Nest's own exception filter in enforce mode, and lets a genuine token through", async () => {
    const { Controller, Get, Module, UseGuards } = await import('@nestjs/common');
    const { NestFactory } = await import('@nestjs/core');
    @Controller('protected')
    class ProtectedController {
      @Get()
      @UseGuards(new TesseraGuard({ verifier, mode: 'enforce' }))
      get() {
        return { reached: true };
      }
    }
    @Module({ controllers: [ProtectedController] })
    class ProtectedModule {}
    const app = await NestFactory.create(ProtectedModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const server = app.getHttpServer() as Server;
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/protected`;
      const refused = await fetch(url, { headers: { 'tessera-token': 'forged' } });
      expect(refused.status).toBe(401);
      await expect(refused.json()).resolves.toMatchObject({
        statusCode: 401,
        message: expect.stringContaining('malformed') as string,
      });
      const ok = await fetch(url, { headers: { 'tessera-token': await genuine() } });
      await expect(ok.json()).resolves.toEqual({ reached: true });
    } finally {
      await app.close();
    }
    // Loading Nest into a fresh module registry takes seconds when the machine is busy (jest's default is 5 s).
  }, 30_000);
});
