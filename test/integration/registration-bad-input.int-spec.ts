import { randomUUID } from 'node:crypto';
import { RegistrationApp } from '../support/registration-app';
import { servedRoutes } from '../support/served-routes';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

/**
 * Bad input on every write endpoint the service serves (taken from its router, so a new endpoint is covered by
 * itself): malformed JSON and oversized bodies for all of them, unknown fields and bodies of the wrong type for
 * those that take a JSON body (per the service's own OpenAPI document). Each is a 4xx with a reason, and nothing
 * is written.
 */

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `reg_badinput_${suffix}`;
const tenant = `bad-${suffix}`;

interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
}

/** `/v1/apps/:appId/secure-strings/:name` with ids that are well formed, so only the body can be wrong. */
function concretePath(route: string): string {
  return route.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    if (name === 'keyId') return '0123456789abcdef';
    if (name === 'name') return 'API_KEY';
    return randomUUID();
  });
}

describe('registration admin API: bad input on every write endpoint', () => {
  let reg: RegistrationApp;
  let admin: string;
  let writes: { method: string; route: string; json: boolean }[];
  const TABLES = ['team', 'api_key', 'app', 'registration', 'policy', 'device_override', 'secure_string', 'revocation'];
  const written = () => reg.counts('outbox_event', 'audit_event', ...TABLES);

  beforeAll(async () => {
    reg = await RegistrationApp.start(env, schema, `it-${suffix}.`);
    admin = (await reg.bootstrap(tenant)).key;
    const document = (await (await fetch(`${reg.url}/openapi.json`)).json()) as OpenApi;
    writes = servedRoutes(reg.app)
      .map((r) => ({ method: r.split(' ')[0]!, route: r.split(' ')[1]! }))
      .filter((r) => r.route.startsWith('/v1/') && ['POST', 'PUT', 'PATCH'].includes(r.method))
      .map((r) => {
        const openApiPath = r.route.replace(/:([A-Za-z]+)/g, '{$1}');
        const operation = document.paths[openApiPath]?.[r.method.toLowerCase()];
        return { ...r, json: operation?.requestBody?.content?.['application/json'] !== undefined };
      });
  });

  afterAll(async () => {
    await reg.stop();
  });

  it('finds the write endpoints and which of them take JSON', () => {
    expect(writes.length).toBeGreaterThanOrEqual(15);
    expect(writes.filter((w) => w.json).length).toBeGreaterThanOrEqual(12);
    expect(writes.find((w) => w.route === '/v1/registrations/apk')?.json).toBe(false);
  });

  it('answers malformed JSON with 400 and a body over 64 KB with 413 everywhere, writing nothing', async () => {
    const before = await written();
    const outcomes: string[] = [];
    for (const { method, route } of writes) {
      const path = concretePath(route);
      const malformed = await reg.call(method, path, { key: admin, rawBody: '{"name": ' });
      const oversized = await reg.call(method, path, {
        key: admin,
        rawBody: JSON.stringify({ v: 'x'.repeat(70_000) }),
      });
      outcomes.push(`${method} ${route}: ${malformed.status} ${oversized.status} ${String(oversized.body.message)}`);
    }
    expect(outcomes).toEqual(writes.map((w) => `${w.method} ${w.route}: 400 413 request entity too large`));
    expect(await written()).toEqual(before);
  });

  it('answers unknown fields and bodies of the wrong type with 400 naming the problem, writing nothing', async () => {
    const before = await written();
    const outcomes: string[] = [];
    for (const { method, route } of writes.filter((w) => w.json)) {
      const path = concretePath(route);
      const unknown = await reg.call(method, path, { key: admin, body: { surprise: true } });
      const wrongType = await reg.call(method, path, { key: admin, body: [1, 2, 3] });
      // Named as unknown, except where a discriminator must come first (an app's platform): then that is named.
      const errors = JSON.stringify(unknown.body.errors ?? []);
      const named = errors.includes('surprise') || errors.includes('platform');
      outcomes.push(`${method} ${route}: ${unknown.status} ${named} ${wrongType.status}`);
      expect(wrongType.body.errors).toEqual(expect.arrayContaining([expect.any(String)]));
    }
    expect(outcomes).toEqual(writes.filter((w) => w.json).map((w) => `${w.method} ${w.route}: 400 true 400`));
    expect(await written()).toEqual(before);
  });
});
