import { createHash } from 'node:crypto';
import { type AppMeasurement, PinConfigKeySetSchema } from '@tessera/contracts';
import { verifyPinConfig } from '@tessera/pins';
import { MemoryInstallationKeyStore, SimulatedDevice, type SimulatedDeviceProfile, TesseraClient } from '@tessera/sdk';
import { eventually } from '../support/eventually';
import { IntegrityApp } from '../support/integrity-app';
import { PinsApp } from '../support/pins-app';
import { RegistrationApp } from '../support/registration-app';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';
import { TokenApp } from '../support/token-app';

const env = testEnvironment();
const pin = (seed: string) => createHash('sha256').update(seed).digest('base64');
const CERTIFICATE = 'd4'.repeat(32);

describe('signed pin configs, only for attested apps, on three pins nodes (real Kafka and Postgres)', () => {
  const suffix = uniqueSuffix();
  const prefix = `pc${suffix}.`;
  const tenant = `pc-${suffix}`;
  const pinsSchema = `pcpin_${suffix}`;
  let registration: RegistrationApp;
  let token: TokenApp;
  let integrity: IntegrityApp;
  const nodes: PinsApp[] = [];
  let admin: string;
  let appId: string;
  const genuine: AppMeasurement = {
    platform: 'android',
    packageName: 'com.example.pinned',
    signingCertificateSha256: [CERTIFICATE],
    versionCode: 5,
  };

  const tokenOf = async (profile: SimulatedDeviceProfile, keyStore = new MemoryInstallationKeyStore()) => {
    const device = SimulatedDevice.profile(profile, genuine);
    const sdk = new TesseraClient({
      baseUrl: integrity.url,
      tenant,
      appId,
      measurement: device.measurement,
      deviceSignals: device.deviceSignals,
      keyStore,
    });
    const issued = await sdk.token();
    return { token: issued.token, pinConfigVersion: issued.pinConfigVersion, sdk };
  };
  const configFrom = (node: PinsApp, tokenValue?: string) =>
    fetch(`${node.url}/v1/config`, { headers: tokenValue ? { 'tessera-token': tokenValue } : {} });
  const verified = async (node: PinsApp, tokenValue: string) => {
    const answer = await configFrom(node, tokenValue);
    expect(answer.status).toBe(200);
    // It carries the app's secrets: nothing on the way may cache it.
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const { config } = (await answer.json()) as { config: string };
    const jwks = PinConfigKeySetSchema.parse(
      await (await fetch(`${node.url}/tenants/${tenant}/pins/jwks.json`)).json(),
    );
    const result = await verifyPinConfig(config, { keys: jwks, tenant, appId });
    if (!result.ok) throw new Error(`the config did not verify: ${result.reason} ${result.detail}`);
    return result.config;
  };

  beforeAll(async () => {
    registration = await RegistrationApp.start(env, `pcreg_${suffix}`, prefix);
    token = await TokenApp.start(env, `pctok_${suffix}`, prefix);
    admin = (await registration.bootstrap(tenant)).key;
    const team = (await registration.teamWithDeveloper(admin, 'Mobile')).teamId;
    const app = await registration.call('POST', '/v1/apps', {
      key: admin,
      body: { name: 'Pinned', teamId: team, platform: 'android', packageName: genuine.packageName },
    });
    appId = app.body.id as string;
    await registration.call('POST', '/v1/registrations', {
      key: admin,
      body: { appId, signingCertificateSha256: [CERTIFICATE], versionCodes: { min: 1, max: null } },
    });
    await eventually(async () => (await token.keys.list(tenant)).length === 2, 'the tenant keys');
    const secret = await registration.call('PUT', `/v1/apps/${appId}/secure-strings/paymentsApiKey`, {
      key: admin,
      body: { value: 'sk_live_the-secret' },
    });
    expect(secret.status).toBe(201);
    const other = await registration.call('POST', '/v1/apps', {
      key: admin,
      body: { name: 'Other', teamId: team, platform: 'android', packageName: 'com.example.other' },
    });
    await registration.call('PUT', `/v1/apps/${String(other.body.id)}/secure-strings/otherKey`, {
      key: admin,
      body: { value: 'not for the pinned app' },
    });
    integrity = await IntegrityApp.start(env, `pcint_${suffix}`, prefix);
    // Three nodes of one pins service: one schema, each its own view of the topics.
    for (let i = 0; i < 3; i++) nodes.push(await PinsApp.start(env, pinsSchema, prefix));
    await eventually(
      async () => (await nodes[0]!.call('GET', '/v1/domains', { key: admin })).status === 200,
      'the pins service to know the admin key',
    );
    const domain = await nodes[0]!.call('POST', '/v1/domains', {
      key: admin,
      body: { pattern: 'api.example.com', pins: [{ pin: pin('leaf') }, { pin: pin('backup'), source: 'backup' }] },
    });
    expect(domain.status).toBe(201);
    await eventually(async () => {
      const { token: genuineToken } = await tokenOf('genuine');
      return (await configFrom(nodes[0]!, genuineToken)).status === 200;
    }, 'an attested app to get its config');
  });

  afterAll(async () => {
    for (const [i, node] of nodes.entries()) await node.stop(i === nodes.length - 1);
    await integrity.stop();
    await token.stop();
    await registration.stop();
  });

  it("gives an attested app its signed config, every node the same pins, verifiable with the tenant's pins JWKS", async () => {
    const { token: genuineToken } = await tokenOf('genuine');
    for (const node of nodes) {
      const config = await verified(node, genuineToken);
      expect(config).toMatchObject({
        tenant,
        appId,
        domains: [{ pattern: 'api.example.com', pins: [pin('leaf'), pin('backup')] }],
      });
      expect(config.version).toBeGreaterThanOrEqual(1);
    }
  });

  it("hands the attested app its own secure strings in the clear, and no other app's", async () => {
    const { token: genuineToken } = await tokenOf('genuine');
    await eventually(async () => {
      const answer = (await (await configFrom(nodes[1]!, genuineToken)).json()) as {
        secureStrings?: Record<string, string>;
      };
      return answer.secureStrings?.paymentsApiKey === 'sk_live_the-secret';
    }, 'the secure string in the config answer');
    const answer = (await (await configFrom(nodes[1]!, genuineToken)).json()) as {
      secureStrings: Record<string, string>;
    };
    expect(answer.secureStrings).toEqual({ paymentsApiKey: 'sk_live_the-secret' });
  });

  it('answers 401 and nothing else without a token, with a failure token (a repackaged app), or with a forged one', async () => {
    const { token: failureToken } = await tokenOf('repackaged');
    for (const tokenValue of [undefined, failureToken, 'forged.token.value']) {
      const answer = await configFrom(nodes[1]!, tokenValue);
      expect(answer.status).toBe(401);
      const body = (await answer.json()) as Record<string, unknown>;
      // Nothing but the status and the request id: no reason an attacker could learn from.
      expect(Object.keys(body).sort()).toEqual(['requestId', 'statusCode']);
      expect(body.statusCode).toBe(401);
    }
  });

  it('exports the initial config an app ships, for an API key with pins:read, and refuses anyone else', async () => {
    const path = `/v1/apps/${appId}/pins/initial-config`;
    const exported = await nodes[2]!.call('GET', path, { key: admin });
    expect(exported.status).toBe(200);
    const { config, keys, version } = exported.body as { config: string; keys: unknown; version: number };
    expect(exported.body).toMatchObject({ tenant, appId });
    // What the app ships verifies with the keys shipped beside it, and pins what an attested app is served.
    const result = await verifyPinConfig(config, { keys: PinConfigKeySetSchema.parse(keys), tenant, appId });
    if (!result.ok) throw new Error(`the initial config did not verify: ${result.reason} ${result.detail}`);
    expect(result.config.version).toBe(version);
    const { token: genuineToken } = await tokenOf('genuine');
    expect(result.config.domains).toEqual((await verified(nodes[2]!, genuineToken)).domains);

    expect((await nodes[2]!.call('GET', path)).status).toBe(401);
    expect((await nodes[2]!.call('GET', `/v1/apps/not-an-id/pins/initial-config`, { key: admin })).status).toBe(400);
  });

  it('stops serving a device once it is revoked', async () => {
    const keyStore = new MemoryInstallationKeyStore();
    const { token: before, sdk } = await tokenOf('genuine', keyStore);
    expect((await configFrom(nodes[2]!, before)).status).toBe(200);
    await registration.call('POST', '/v1/revocations', {
      key: admin,
      body: { subject: { kind: 'device', value: await sdk.installationId() } },
    });
    await eventually(async () => (await configFrom(nodes[2]!, before)).status === 401, 'the revoked device to get 401');
  });

  it('carries a change of the pins to every node by push, under a higher version', async () => {
    const { token: genuineToken } = await tokenOf('genuine');
    const before = (await verified(nodes[0]!, genuineToken)).version;
    const added = await nodes[0]!.call('POST', '/v1/domains', {
      key: admin,
      body: { pattern: '*.cdn.example.com', pins: [{ pin: pin('cdn') }, { pin: pin('cdn backup'), source: 'backup' }] },
    });
    expect(added.status).toBe(201);
    const changed = Date.now();
    for (const node of nodes) {
      await eventually(
        async () => (await verified(node, genuineToken)).domains.some((d) => d.pattern === '*.cdn.example.com'),
        'every node to serve the new domain',
        10_000,
      );
      expect((await verified(node, genuineToken)).version).toBeGreaterThan(before);
    }
    process.stdout.write(`a pin change reached all 3 pins nodes within ${Date.now() - changed} ms\n`);
    // Each node says which version it serves, and that none waits for its domains.
    const served = (await verified(nodes[0]!, genuineToken)).version;
    for (const node of nodes) {
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`tessera_pins_config_version\\{[^}]*tenant="${tenant}"[^}]*\\} ${served}\\b`));
      expect(metrics).toMatch(
        new RegExp(`tessera_pins_config_versions_waiting\\{[^}]*tenant="${tenant}"[^}]*\\} 0\\b`),
      );
    }
    // The integrity service tells the SDK of the new version in its next attest answer.
    const latest = (await verified(nodes[0]!, genuineToken)).version;
    await eventually(
      async () => (await tokenOf('genuine')).pinConfigVersion === latest,
      'the attest answer to carry the new pin config version',
    );
  });
});
