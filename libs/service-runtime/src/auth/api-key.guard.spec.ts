import 'reflect-metadata';
import type { Server } from 'node:http';
import { Controller, Get, type INestApplication, Module, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { generateApiKey, type Principal, type StoredApiKey } from '@tessera/access';
import request from 'supertest';
import { Requires } from '../http/requires';
import { API_KEY_GUARD } from '../openapi/api-metadata';
import { ApiKeyDirectory } from './api-key-directory';
import { ApiKeyGuard } from './api-key.guard';
import { CurrentPrincipal } from './current-principal';

/** Keys in memory, as a service's read model would hold them; counts what the guard asked. */
class FakeDirectory extends ApiKeyDirectory {
  ready = true;
  readonly keys = new Map<string, StoredApiKey>();
  readonly lookups: string[] = [];
  readonly uses: { keyId: string; lastUsedAt: Date }[] = [];

  isReady(): boolean {
    return this.ready;
  }

  find(keyId: string): Promise<StoredApiKey | undefined> {
    this.lookups.push(keyId);
    return Promise.resolve(this.keys.get(keyId));
  }

  override recordUse(keyId: string, lastUsedAt: Date): Promise<void> {
    this.uses.push({ keyId, lastUsedAt });
    return Promise.resolve();
  }

  add(change: Partial<StoredApiKey> = {}): string {
    const generated = generateApiKey();
    this.keys.set(generated.id, {
      tenantId: 'acme',
      keyId: generated.id,
      role: 'admin',
      teamId: null,
      secretHash: generated.hash,
      expiresAt: null,
      revokedAt: null,
      tenantActive: true,
      ...change,
    });
    return generated.key;
  }
}

@Controller('things')
@UseGuards(ApiKeyGuard)
@Requires('signing-key:read')
class ThingsController {
  @Get()
  list(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Get('changes')
  @Requires('signing-key:write')
  change(@CurrentPrincipal() principal: Principal) {
    return { changedBy: principal.keyId };
  }
}

/** A controller that forgot the guard: CurrentPrincipal must not hand out an undefined caller. */
@Controller('unguarded')
class UnguardedController {
  @Get()
  get(@CurrentPrincipal() principal: Principal) {
    return principal;
  }
}

describe('ApiKeyGuard with a service’s own ApiKeyDirectory', () => {
  const directory = new FakeDirectory();
  let app: INestApplication;
  let server: Server;

  @Module({
    controllers: [ThingsController, UnguardedController],
    providers: [{ provide: ApiKeyDirectory, useValue: directory }],
  })
  class ExampleModule {}

  beforeAll(async () => {
    const testing = await Test.createTestingModule({ imports: [ExampleModule] }).compile();
    app = testing.createNestApplication({ logger: false });
    await app.init();
    server = app.getHttpServer() as Server;
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    directory.ready = true;
    directory.lookups.length = 0;
    directory.uses.length = 0;
  });

  it('lets a valid key through, with its principal for the route, and records its use', async () => {
    const key = directory.add({ role: 'developer', teamId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    const keyId = key.slice(4, 20);
    const response = await request(server).get('/things').set('authorization', `Bearer ${key}`).expect(200);
    expect(response.body).toEqual({
      tenantId: 'acme',
      keyId,
      role: 'developer',
      teamId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
    });
    expect(directory.lookups).toEqual([keyId]);
    expect(directory.uses).toEqual([{ keyId, lastUsedAt: expect.any(Date) as Date }]);
  });

  it('answers every bad key with the same 401, recording no use', async () => {
    const live = directory.add();
    const revoked = directory.add({ revokedAt: new Date(Date.now() - 1000) });
    const expired = directory.add({ expiresAt: new Date(Date.now() - 1000) });
    const suspended = directory.add({ tenantActive: false });
    const wrongSecret = `${live.slice(0, 21)}${generateApiKey().key.slice(21)}`;
    const headers = [
      undefined,
      '',
      live,
      `Basic ${live}`,
      'Bearer tsk_nope',
      `Bearer ${generateApiKey().key}`,
      `Bearer ${wrongSecret}`,
      `Bearer ${revoked}`,
      `Bearer ${expired}`,
      `Bearer ${suspended}`,
    ];
    for (const header of headers) {
      const call = request(server).get('/things');
      const response = await (header === undefined ? call : call.set('authorization', header));
      expect({ header, status: response.status }).toEqual({ header, status: 401 });
      expect(response.body).toEqual({
        statusCode: 401,
        message: 'a valid API key is required: Authorization: Bearer tsk_...',
        error: 'Unauthorized',
      });
    }
    expect(directory.uses).toEqual([]);
  });

  it('answers 403 naming the role and the permission it lacks, the handler’s permission over the controller’s', async () => {
    const developer = directory.add({ role: 'developer', teamId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    const refused = await request(server).get('/things/changes').set('authorization', `Bearer ${developer}`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ message: 'the developer role may not do this (needs signing-key:write)' });
    const admin = directory.add();
    await request(server).get('/things/changes').set('authorization', `Bearer ${admin}`).expect(200);
  });

  it('answers 503 while the directory is not ready, without looking the key up', async () => {
    const key = directory.add();
    directory.ready = false;
    const response = await request(server).get('/things').set('authorization', `Bearer ${key}`);
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ message: 'the database is not ready yet; retry shortly' });
    expect(directory.lookups).toEqual([]);
  });

  it('works with a directory that keeps no use record', async () => {
    const key = directory.add();
    const recordUse = directory.recordUse.bind(directory);
    Object.assign(directory, { recordUse: undefined });
    try {
      await request(server).get('/things').set('authorization', `Bearer ${key}`).expect(200);
    } finally {
      Object.assign(directory, { recordUse });
    }
  });

  it('fails a route that reads the principal without the guard, rather than run it without a caller', async () => {
    await request(server).get('/unguarded').expect(500);
  });

  it('is documented as the API key guard (the bearer scheme, 401 and 503 in the API document)', () => {
    expect(Reflect.getMetadata(API_KEY_GUARD, ApiKeyGuard)).toBe(true);
  });
});
