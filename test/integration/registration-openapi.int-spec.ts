import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenApiDocument, Operation, Parameter } from '@tessera/service-runtime';
import { RegistrationApp } from '../support/registration-app';
import { repoRoot, testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `reg_openapi_${suffix}`;
const prefix = `it-${suffix}.`;

/** The documentation's own routes, which the document leaves out. */
const DOCUMENTATION_ROUTES = ['GET /openapi.json', 'GET /docs', 'GET /docs/{file}'];

interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
}

/** Every route the Express router serves, as `METHOD /path/{param}`: what the document must cover. */
function servedRoutes(reg: RegistrationApp): string[] {
  const express = reg.app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } };
  return express.router.stack.flatMap((layer) => {
    if (!layer.route) return [];
    const { path: routePath, methods } = layer.route;
    if (typeof routePath !== 'string') throw new Error(`a route path that is not a string: ${String(routePath)}`);
    const documented = routePath.replace(/[:*]([A-Za-z_$][\w$]*)/g, '{$1}');
    return Object.keys(methods)
      .filter((method) => methods[method])
      .map((method) => `${method.toUpperCase()} ${documented}`);
  });
}

function operations(document: OpenApiDocument): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([routePath, item]) =>
    Object.entries(item).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${routePath}`, op]),
  );
}

function operation(document: OpenApiDocument, route: string): Operation {
  const found = operations(document).find(([name]) => name === route)?.[1];
  if (!found) throw new Error(`${route} is not in the document`);
  return found;
}

function parameters(op: Operation, where: Parameter['in']): Record<string, Parameter> {
  return Object.fromEntries((op.parameters ?? []).filter((p) => p.in === where).map((p) => [p.name, p]));
}

describe('registration service: OpenAPI document and Swagger UI (real Postgres and Kafka)', () => {
  let reg: RegistrationApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    reg = await RegistrationApp.start(env, schema, prefix);
    // No API key: the document describes the API and holds no data.
    const response = await fetch(`${reg.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    document = (await response.json()) as OpenApiDocument;
  });

  afterAll(async () => {
    await reg.stop();
  });

  it('is an OpenAPI 3.1 document titled after the service, with the version of the package', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual({ title: 'Tessera registration API', version: pkg.version });
  });

  it('documents every route the service serves, and only those (a new controller cannot stay undocumented)', () => {
    const served = servedRoutes(reg);
    expect(served).toEqual(expect.arrayContaining(DOCUMENTATION_ROUTES));
    const documented = operations(document).map(([route]) => route);
    expect(documented.sort()).toEqual(served.filter((route) => !DOCUMENTATION_ROUTES.includes(route)).sort());
    // The admin API as planned so far, health and metrics, each with its method.
    expect(documented).toEqual(
      expect.arrayContaining([
        'GET /v1/tenants/current',
        'PATCH /v1/tenants/current',
        'GET /v1/teams',
        'POST /v1/teams',
        'GET /v1/teams/{teamId}',
        'PATCH /v1/teams/{teamId}',
        'DELETE /v1/teams/{teamId}',
        'GET /v1/keys',
        'POST /v1/keys',
        'GET /v1/keys/{keyId}',
        'POST /v1/keys/{keyId}/revoke',
        'GET /v1/apps',
        'POST /v1/apps',
        'GET /v1/apps/{appId}',
        'PATCH /v1/apps/{appId}',
        'DELETE /v1/apps/{appId}',
        'GET /v1/audit',
        'GET /health/live',
        'GET /health/ready',
        'GET /metrics',
      ]),
    );
  });

  it('describes request bodies from the zod schemas the endpoints validate with', () => {
    const createTeam = operation(document, 'POST /v1/teams').requestBody;
    expect(createTeam?.required).toBe(true);
    expect(createTeam?.content['application/json']?.schema).toMatchObject({
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        description: { type: 'string', maxLength: 500 },
      },
    });
    const createKey = operation(document, 'POST /v1/keys').requestBody?.content['application/json']?.schema;
    expect(createKey).toMatchObject({
      required: ['name', 'role'],
      properties: { role: { enum: ['admin', 'developer'] }, expiresAt: { type: 'string', format: 'date-time' } },
    });
    const createApp = operation(document, 'POST /v1/apps').requestBody?.content['application/json']?.schema;
    expect(createApp).toMatchObject({
      oneOf: [
        { properties: { platform: { const: 'android' }, packageName: { type: 'string' } } },
        { properties: { platform: { const: 'ios' }, appleTeamId: { type: 'string' }, bundleId: { type: 'string' } } },
      ],
    });
    expect(operation(document, 'GET /v1/teams').requestBody).toBeUndefined();
  });

  it('describes query parameters one by one', () => {
    const audit = parameters(operation(document, 'GET /v1/audit'), 'query');
    expect(Object.keys(audit).sort()).toEqual(['action', 'actor', 'cursor', 'from', 'limit', 'to']);
    expect(audit.from).toMatchObject({ required: false, schema: { type: 'string', format: 'date-time' } });
    expect(audit.to).toMatchObject({ required: false, schema: { type: 'string', format: 'date-time' } });
    expect(audit.actor).toMatchObject({ required: false, schema: { type: 'string', pattern: '^[0-9a-f]{16}$' } });
    expect(audit.limit).toMatchObject({ schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } });
    const apps = parameters(operation(document, 'GET /v1/apps'), 'query');
    expect(apps.platform).toMatchObject({ schema: { enum: ['android', 'ios'] } });
  });

  it('describes path parameters, each declared wherever its path has it', () => {
    const teamPath = parameters(operation(document, 'GET /v1/teams/{teamId}'), 'path');
    expect(Object.keys(teamPath)).toEqual(['teamId']);
    expect(teamPath.teamId).toMatchObject({ required: true, schema: { type: 'string', format: 'uuid' } });
    expect(parameters(operation(document, 'POST /v1/keys/{keyId}/revoke'), 'path').keyId).toMatchObject({
      required: true,
      schema: { pattern: '^[0-9a-f]{16}$' },
    });
    for (const [route, op] of operations(document)) {
      const templated = [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect({ route, path: Object.keys(parameters(op, 'path')) }).toEqual({ route, path: templated });
    }
  });

  it('puts every /v1 operation under the API key scheme, and health and metrics under none', () => {
    const scheme = document.components.securitySchemes.apiKey as { description: string };
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(scheme.description).toContain('Authorization: Bearer tsk_');
    for (const [route, op] of operations(document)) {
      const expected = route.includes(' /v1/') ? [{ apiKey: [] }] : undefined;
      expect({ route, security: op.security }).toEqual({ route, security: expected });
      if (expected) expect({ route, has401: '401' in op.responses }).toEqual({ route, has401: true });
    }
  });

  it('documents permissions, status codes and the shared error answers', () => {
    const createTeam = operation(document, 'POST /v1/teams');
    expect(createTeam['x-tessera-permission']).toBe('team:write');
    expect(createTeam.description).toContain('`team:write`');
    expect(operation(document, 'GET /v1/keys')['x-tessera-permission']).toBe('key:manage');
    expect(Object.keys(createTeam.responses).sort()).toEqual(['201', '400', '401', '403', '409', '413', '503']);
    expect(operation(document, 'DELETE /v1/teams/{teamId}').responses['204']).toEqual({ description: 'No Content' });
    expect(operation(document, 'POST /v1/keys/{keyId}/revoke').responses).toHaveProperty('200');
    expect(operation(document, 'GET /v1/teams/{teamId}').responses['404']).toEqual({
      $ref: '#/components/responses/NotFound',
    });
    expect(Object.keys(document.components.responses).sort()).toEqual([
      'BadRequest',
      'Conflict',
      'Forbidden',
      'NotFound',
      'PayloadTooLarge',
      'ServiceUnavailable',
      'Unauthorized',
    ]);
  });

  it('only refers to what it defines', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document);
      expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
    }
  });

  it('serves Swagger UI at /docs, pointed at /openapi.json, with every file it loads', async () => {
    const page = await fetch(`${reg.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<title>Tessera registration API</title>');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js']));
    for (const asset of assets) {
      const response = await fetch(`${reg.url}${asset}`);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      if (asset.endsWith('initializer.js')) expect(await response.text()).toContain("url: '/openapi.json'");
      else await response.arrayBuffer();
    }
    const missing = await fetch(`${reg.url}/docs/index.html`);
    expect(missing.status).toBe(404);
  });
});
