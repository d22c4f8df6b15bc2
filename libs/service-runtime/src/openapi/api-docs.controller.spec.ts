import 'reflect-metadata';
import type { Server } from 'node:http';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { SERVICE_NAME } from '../tokens';
import { ApiDocsController } from './api-docs.controller';
import { ApiDocument } from './api-document';
import type { OpenApiDocument } from './openapi-document';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return [];
  }
}

@Module({
  controllers: [ApiDocsController, ThingsController],
  providers: [ApiDocument, { provide: SERVICE_NAME, useValue: 'example' }],
})
class ExampleModule {}

describe('ApiDocsController', () => {
  let app: INestApplication;
  let server: Server;

  beforeAll(async () => {
    const testing = await Test.createTestingModule({ imports: [ExampleModule] }).compile();
    app = testing.createNestApplication({ logger: false });
    await app.init();
    server = app.getHttpServer() as Server;
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves the document at /openapi.json, titled after the service, without itself', async () => {
    const response = await request(server).get('/openapi.json').expect(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const document = response.body as OpenApiDocument;
    expect(document.info.title).toBe('Tessera example API');
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(document.paths)).toEqual(['/things']);
  });

  it('serves Swagger UI at /docs under a policy that allows only this origin', async () => {
    const response = await request(server).get('/docs').expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.text).toContain('<title>Tessera example API</title>');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("connect-src 'self'");
    // No inline script (the policy would block it): every script is a file of this origin.
    expect(response.text).not.toMatch(/<script>/);
    const scripts = [...response.text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(['/docs/swagger-ui-bundle.js', '/docs/tessera-swagger-initializer.js']);
  });

  it('serves the files the page loads, with their types', async () => {
    const page = await request(server).get('/docs');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets).toHaveLength(6);
    for (const asset of assets) {
      const response = await request(server).get(asset);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
    const bundle = await request(server).get('/docs/swagger-ui-bundle.js');
    expect(bundle.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(bundle.text).toContain('SwaggerUIBundle');
    const initializer = await request(server).get('/docs/tessera-swagger-initializer.js');
    expect(initializer.text).toContain("url: '/openapi.json'");
  });

  it('serves nothing else of the package, and nothing outside it', async () => {
    for (const path of [
      '/docs/index.html',
      '/docs/package.json',
      '/docs/swagger-ui-bundle.js.map',
      '/docs/..%2Fpackage.json',
      '/docs/toString',
    ]) {
      const response = await request(server).get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });
});
