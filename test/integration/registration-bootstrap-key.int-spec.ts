import { generateApiKey } from '@tessera/access';
import { RegistrationApp } from '../support/registration-app';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const suffix = uniqueSuffix();
const schema = `regenv_${suffix}`;
const prefix = `it-${suffix}.`;
const tenant = `env-${suffix}`;

describe('TESSERA_BOOTSTRAP_ADMIN_KEY: an admin key from the environment, installed once', () => {
  const { key, id } = generateApiKey();
  const settings = { TESSERA_BOOTSTRAP_TENANT: tenant, TESSERA_BOOTSTRAP_ADMIN_KEY: key };

  it('creates the tenant and its admin key at startup; ignored once the tenant has keys, so a revocation sticks', async () => {
    const first = await RegistrationApp.start(env, schema, prefix, settings);
    try {
      // Readiness waits for the bootstrap worker.
      const current = await first.call('GET', '/v1/tenants/current', { key });
      expect(current).toMatchObject({ status: 200, body: { id: tenant, status: 'active' } });
      const stored = await first.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM "${schema}".api_key WHERE id = $1 AND secret_hash IS NOT NULL`,
        [id],
      );
      expect(stored[0]!.n).toBe(1);
      const audit = await first.call('GET', '/v1/audit', { key });
      expect((audit.body.items as { action: string }[]).map((i) => i.action)).toEqual(['key.create', 'tenant.create']);
      expect((await first.call('POST', `/v1/keys/${id}/revoke`, { key })).status).toBe(200);
    } finally {
      await first.stop(false);
    }

    const second = await RegistrationApp.start(env, schema, prefix, settings);
    try {
      expect((await second.call('GET', '/v1/tenants/current', { key })).status).toBe(401);
    } finally {
      await second.stop();
    }
  });
});
