import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { signPinConfig } from '@tessera/pins/portable';
import { exportJWK, generateKeyPair } from 'jose';
import type { PinRotation, ProtectedDomain } from '../api/pins-views';
import type { App } from '../api/views';
import { ExitCode } from '../exit-codes';
import { FakeApi, REGISTRATION_ENDPOINT, runAgainst } from '../testing/fake-api';

const PINS_ENDPOINT = 'http://pins.test';
const onPins = { env: { TESSERA_PINS_ENDPOINT: PINS_ENDPOINT } };
const at = (p: string) => `${PINS_ENDPOINT}${p}`;
const pin = (seed: string) => createHash('sha256').update(seed).digest('base64');
const DOMAIN_ID = '5b1f0a52-3a7e-4f64-8d0e-2f1c9b6a7d10';
const ROTATION_ID = '9c2d4e61-7b3a-4c55-9e1f-0a2b3c4d5e6f';
const APP_ID = '1e2d3c4b-5a69-4788-9aab-bccddeeff001';
const TENANT = { id: 'acme', name: 'Acme', status: 'active', createdAt: '2026-01-01T00:00:00.000Z' };

const app: App = {
  id: APP_ID,
  teamId: '00000000-0000-4000-8000-000000000001',
  name: 'Payments',
  platform: 'android',
  packageName: 'com.example.payments',
  appleTeamId: null,
  bundleId: null,
  policyId: null,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};
const domain: ProtectedDomain = {
  id: DOMAIN_ID,
  domainId: DOMAIN_ID,
  pattern: 'api.example.com',
  port: 443,
  mode: 'pinned',
  appIds: null,
  pins: [
    {
      pin: pin('leaf'),
      source: 'leaf',
      label: null,
      certificate: {
        subject: 'CN=api.example.com',
        issuer: 'CN=Example CA',
        notBefore: '2026-06-01T00:00:00.000Z',
        notAfter: '2027-01-10T00:00:00.000Z',
        sha256: 'ab'.repeat(32),
      },
    },
    { pin: pin('backup'), source: 'backup', label: 'vault 2', certificate: null },
  ],
  revision: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  certificateExpiry: {
    pin: pin('leaf'),
    subject: 'CN=api.example.com',
    notAfter: '2027-01-10T00:00:00.000Z',
    daysLeft: 39,
    status: 'ok',
  },
};
const rotation: PinRotation = {
  id: ROTATION_ID,
  rotationId: ROTATION_ID,
  state: 'waiting',
  domainId: DOMAIN_ID,
  newPins: [{ pin: pin('next'), source: 'manual', label: '2027 key', certificate: null }],
  retirePins: [pin('leaf')],
  startsAt: '2026-12-02T06:00:00.000Z',
  maxConfigLifetimeSeconds: 86_400,
  publishedAt: '2026-12-02T06:00:00.000Z',
  retireAllowedAt: '2026-12-03T06:00:00.000Z',
  switchedAt: null,
  retiredAt: null,
  cancelledAt: null,
  emergency: false,
  createdAt: '2026-12-02T06:00:00.000Z',
  updatedAt: '2026-12-02T06:00:00.000Z',
};

describe('pins add, list, show, remove', () => {
  it('add --from-host sends the pattern, the backup pin with its label and the apps (by package name) to the pins service', async () => {
    const api = new FakeApi()
      .on('GET', `${REGISTRATION_ENDPOINT}/v1/apps`, { body: { items: [app], nextCursor: null } })
      .on('POST', at('/v1/domains'), { status: 201, body: domain });
    const run = await runAgainst(
      api,
      [
        'pins',
        'add',
        'api.example.com',
        '--from-host',
        '--backup-pin',
        `${pin('backup')}:vault 2`,
        '--app',
        'com.example.payments',
      ],
      onPins,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('POST', at('/v1/domains')).json).toEqual({
      pattern: 'api.example.com',
      appIds: [APP_ID],
      pins: [{ pin: pin('backup'), source: 'backup', label: 'vault 2' }],
      fromHost: true,
    });
    expect(run.stdout).toMatch(/^pattern: +api\.example\.com:443$/m);
    expect(run.stdout).toContain(`${pin('leaf')}  leaf  CN=api.example.com until 2027-01-10T00:00:00Z`);
    expect(run.stdout).toContain(`${pin('backup')}  backup  "vault 2"`);
    expect(run.stdout).toMatch(/^certificate expiry: +ok, 39 days left \(2027-01-10T00:00:00Z\)$/m);
  });

  it('add reads --cert from a file; refuses before sending anything without pins, with a bad pin, or --use alone', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tessera-pins-'));
    try {
      const pem = path.join(dir, 'chain.pem');
      await writeFile(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n');
      const api = new FakeApi().on('POST', at('/v1/domains'), { status: 201, body: domain });
      const withCert = await runAgainst(
        api,
        ['pins', 'add', '*.example.com', '--cert', pem, '--use', 'intermediate', '--mode', 'managed-trust'],
        onPins,
      );
      expect(withCert.code).toBe(ExitCode.ok);
      expect(api.only('POST', at('/v1/domains')).json).toEqual({
        pattern: '*.example.com',
        mode: 'managed-trust',
        certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n',
        use: 'intermediate',
      });
      const refused = [
        [['pins', 'add', 'api.example.com'], '--from-host, --cert <file>, or --pin'],
        [['pins', 'add', 'api.example.com', '--pin', 'not-a-pin'], 'expected a pin'],
        [['pins', 'add', 'api.example.com', '--pin', pin('a'), '--use', 'root'], '--use needs --cert or --from-host'],
        [['pins', 'add', 'api.example.com', '--cert', path.join(dir, 'none.pem')], 'no such file'],
      ] as const;
      for (const [argv, message] of refused) {
        const run = await runAgainst(api, [...argv], onPins);
        expect(run.code).toBe(ExitCode.usage);
        expect(run.stderr).toContain(message);
      }
      expect(api.requests).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("list shows each domain's certificate expiry; show and remove take a pattern, or pattern:port when it is ambiguous", async () => {
    const other = {
      ...domain,
      id: '6b1f0a52-3a7e-4f64-8d0e-2f1c9b6a7d11',
      domainId: '6b1f0a52-3a7e-4f64-8d0e-2f1c9b6a7d11',
      port: 8443,
      certificateExpiry: null,
    };
    const api = new FakeApi()
      .on('GET', at('/v1/domains'), { body: { items: [domain, other] } })
      .on('GET', at(`/v1/domains/${other.id}`), { body: other })
      .on('DELETE', at(`/v1/domains/${DOMAIN_ID}`), { status: 204 });
    const list = await runAgainst(api, ['pins', 'list'], onPins);
    expect(list.code).toBe(ExitCode.ok);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID +PATTERN +PORT +MODE +PINS +APPS +CERTIFICATE EXPIRY$/);
    expect(list.stdout).toContain('ok, 39 days left (2027-01-10T00:00:00Z)');

    const ambiguous = await runAgainst(api, ['pins', 'show', 'api.example.com'], onPins);
    expect(ambiguous.code).toBe(ExitCode.failure);
    expect(ambiguous.stderr).toContain('api.example.com is protected on 2 ports');
    const show = await runAgainst(api, ['pins', 'show', 'api.example.com:8443', '--json'], onPins);
    expect(JSON.parse(show.stdout)).toEqual(other);
    const missing = await runAgainst(api, ['pins', 'show', 'www.example.com'], onPins);
    expect(missing.code).toBe(ExitCode.notFound);

    const removed = await runAgainst(api, ['pins', 'remove', DOMAIN_ID], onPins);
    expect(removed.code).toBe(ExitCode.ok);
    expect(removed.stdout).toBe(`removed protected domain ${DOMAIN_ID}\n`);
    api.only('DELETE', at(`/v1/domains/${DOMAIN_ID}`));
  });
});

describe('pins rotate, retire, cancel, emergency-replace', () => {
  it('rotate sends the new and retired pins and says on stderr what comes next', async () => {
    const api = new FakeApi()
      .on('GET', at('/v1/domains'), { body: { items: [domain] } })
      .on('POST', at(`/v1/domains/${DOMAIN_ID}/rotations`), { status: 201, body: rotation });
    const run = await runAgainst(
      api,
      ['pins', 'rotate', 'api.example.com', '--new-pin', `${pin('next')}:2027 key`, '--retire', pin('leaf')],
      onPins,
    );
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('POST', at(`/v1/domains/${DOMAIN_ID}/rotations`)).json).toEqual({
      newPins: [{ pin: pin('next'), label: '2027 key' }],
      retirePins: [pin('leaf')],
    });
    expect(run.stdout).toMatch(/^state: +waiting$/m);
    expect(run.stdout).toMatch(/^retire from: +2026-12-03T06:00:00Z$/m);
    expect(run.stderr).toContain(`from 2026-12-03T06:00:00Z switch the server's certificate`);
    expect(run.stderr).toContain(`tessera pins retire ${ROTATION_ID}`);
  });

  it('retire too early is the API refusal (409, exit 5) with its reason; --served-chain is sent as PEM', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tessera-pins-'));
    try {
      const chain = path.join(dir, 'served.pem');
      await writeFile(chain, 'PEM');
      const api = new FakeApi().on('POST', at(`/v1/rotations/${ROTATION_ID}/retire`), {
        status: 409,
        body: {
          statusCode: 409,
          reason: 'too-early',
          message: 'the old pin may be retired from 2026-12-03T06:00:00.000Z',
          requestId: 'r1',
        },
      });
      const run = await runAgainst(api, ['pins', 'retire', ROTATION_ID, '--served-chain', chain], onPins);
      expect(run.code).toBe(ExitCode.conflict);
      expect(run.stderr).toContain('the old pin may be retired from 2026-12-03T06:00:00.000Z (409, reason too-early)');
      expect(api.only('POST', at(`/v1/rotations/${ROTATION_ID}/retire`)).json).toEqual({ servedChainPem: 'PEM' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('emergency-replace needs --compromised and --reason before anything is sent; its warnings go to stderr', async () => {
    const replaced = { rotation: { ...rotation, emergency: true, state: 'retired' }, domain, warnings: ['no match'] };
    const api = new FakeApi()
      .on('GET', at('/v1/domains'), { body: { items: [domain] } })
      .on('POST', at(`/v1/domains/${DOMAIN_ID}/emergency-replace`), { body: replaced });
    const base = ['pins', 'emergency-replace', 'api.example.com', '--pin', pin('n'), '--backup-pin', pin('b')];
    const unconfirmed = await runAgainst(api, [...base, '--reason', 'leak'], onPins);
    expect(unconfirmed.code).toBe(ExitCode.usage);
    expect(unconfirmed.stderr).toContain('confirm with --compromised');
    const noReason = await runAgainst(api, [...base, '--compromised'], onPins);
    expect(noReason.code).toBe(ExitCode.usage);
    const blankReason = await runAgainst(api, [...base, '--compromised', '--reason', '   '], onPins);
    expect(blankReason.code).toBe(ExitCode.usage);
    const badTime = await runAgainst(
      api,
      ['pins', 'rotate', 'api.example.com', '--new-pin', pin('n'), '--retire', pin('leaf'), '--at', 'tomorrow'],
      onPins,
    );
    expect(badTime.code).toBe(ExitCode.usage);
    expect(badTime.stderr).toContain('expected an ISO-8601 date and time');
    expect(api.requests).toHaveLength(0);

    const run = await runAgainst(api, [...base, '--compromised', '--reason', 'key leaked'], onPins);
    expect(run.code).toBe(ExitCode.ok);
    expect(api.only('POST', at(`/v1/domains/${DOMAIN_ID}/emergency-replace`)).json).toEqual({
      pins: [
        { pin: pin('n'), source: 'manual' },
        { pin: pin('b'), source: 'backup' },
      ],
      compromised: true,
      reason: 'key leaked',
    });
    expect(run.stdout).toMatch(/^state: +retired \(emergency replace\)$/m);
    expect(run.stderr).toBe('warning: no match\n');
  });

  it('cancel and rotation show the rotation', async () => {
    const api = new FakeApi()
      .on('POST', at(`/v1/rotations/${ROTATION_ID}/cancel`), { body: { ...rotation, state: 'cancelled' } })
      .on('GET', at(`/v1/rotations/${ROTATION_ID}`), { body: rotation });
    const cancel = await runAgainst(api, ['pins', 'cancel', ROTATION_ID, '--json'], onPins);
    expect(JSON.parse(cancel.stdout)).toMatchObject({ id: ROTATION_ID, state: 'cancelled' });
    const show = await runAgainst(api, ['pins', 'rotation', ROTATION_ID], onPins);
    expect(show.stdout).toMatch(/^config lifetime: +1d$/m);
  });
});

describe('pins reports and export', () => {
  it('reports passes the filters (the app by package name) and pages', async () => {
    const report = {
      reportId: '7d1f0a52-3a7e-4f64-8d0e-2f1c9b6a7d12',
      appId: APP_ID,
      identity: 'verified',
      installationId: 'i'.repeat(43),
      deviceId: null,
      sdkVersion: '0.1.0',
      hostname: 'api.example.com',
      port: 443,
      pattern: 'api.example.com',
      expectedPins: [pin('leaf')],
      servedChain: [{ pin: pin('mitm'), certificate: { subject: 'CN=mitm' } }],
      configVersion: 3,
      occurredAt: '2026-12-02T06:00:00.000Z',
      receivedAt: '2026-12-02T06:00:01.000Z',
      clientIp: '203.0.113.9',
    };
    const api = new FakeApi()
      .on('GET', `${REGISTRATION_ENDPOINT}/v1/apps`, { body: { items: [app], nextCursor: null } })
      .on('GET', at('/v1/pin-reports'), { body: { items: [report], nextCursor: 'c1' } });
    const run = await runAgainst(
      api,
      ['pins', 'reports', '--app', 'com.example.payments', '--domain', 'api.example.com', '--limit', '10'],
      onPins,
    );
    expect(run.code).toBe(ExitCode.ok);
    const query = api.only('GET', at('/v1/pin-reports')).url.searchParams;
    expect(Object.fromEntries(query)).toEqual({ limit: '10', domain: 'api.example.com', appId: APP_ID });
    expect(run.stdout).toMatch(/api\.example\.com:443 +api\.example\.com +verified +CN=mitm +3/);
    expect(run.stderr).toContain('--cursor c1');
  });

  describe('export --initial', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'tessera-export-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const signed = async (tenant = 'acme', appId = APP_ID) => {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const iat = Math.floor(Date.now() / 1000);
      const config = await signPinConfig(
        {
          tenant,
          appId,
          version: 4,
          iat,
          exp: iat + 86_400,
          domains: [{ pattern: 'api.example.com', pins: [pin('a'), pin('b')] }],
        },
        { privateKey, kid: 'k1' },
      );
      const keys = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
      return { tenant: 'acme', appId: APP_ID, version: 4, config, keys };
    };

    it('checks the app with the registration service, verifies the config, and writes it and the JWKS to --out', async () => {
      const exported = await signed();
      const api = new FakeApi()
        .on('GET', `${REGISTRATION_ENDPOINT}/v1/apps/${APP_ID}`, { body: app })
        .on('GET', `${REGISTRATION_ENDPOINT}/v1/tenants/current`, { body: TENANT })
        .on('GET', at(`/v1/apps/${APP_ID}/pins/initial-config`), { body: exported });
      const out = path.join(dir, 'assets', 'tessera');
      const run = await runAgainst(api, ['pins', 'export', '--initial', APP_ID, '--out', out], onPins);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(ExitCode.ok);
      expect(await readFile(path.join(out, 'pins-config.jws'), 'utf8')).toBe(`${exported.config}\n`);
      expect(JSON.parse(await readFile(path.join(out, 'pins-jwks.json'), 'utf8'))).toEqual(exported.keys);
      expect(run.stdout).toContain('initial pin config of Payments (version 4, 1 domain)');
    });

    it('writes nothing when the config does not verify for the app (another app, or a key not in the set)', async () => {
      const foreign = await signed('acme', '00000000-0000-4000-8000-00000000ffff');
      const otherKey = { ...(await signed()), keys: (await signed()).keys };
      // Self-consistent, but another tenant's: the logged-in key is acme's.
      const otherTenant = { ...(await signed('globex')), tenant: 'globex' };
      for (const exported of [foreign, otherKey, otherTenant]) {
        const api = new FakeApi()
          .on('GET', `${REGISTRATION_ENDPOINT}/v1/apps/${APP_ID}`, { body: app })
          .on('GET', `${REGISTRATION_ENDPOINT}/v1/tenants/current`, { body: TENANT })
          .on('GET', at(`/v1/apps/${APP_ID}/pins/initial-config`), { body: exported });
        const run = await runAgainst(api, ['pins', 'export', '--initial', APP_ID, '--out', dir], onPins);
        expect(run.code).toBe(ExitCode.failure);
        expect(run.stderr).toMatch(/a config that does not verify|answered a config for/);
        expect(await readdir(dir)).toEqual([]);
      }
    });

    it('an unknown app is the registration service 404 (exit 4), and the pins service is not asked', async () => {
      const api = new FakeApi().on('GET', `${REGISTRATION_ENDPOINT}/v1/apps/${APP_ID}`, {
        status: 404,
        body: { statusCode: 404, message: 'app not found' },
      });
      const run = await runAgainst(api, ['pins', 'export', '--initial', APP_ID], onPins);
      expect(run.code).toBe(ExitCode.notFound);
      expect(api.requests.map((r) => r.url.origin)).toEqual([REGISTRATION_ENDPOINT]);
    });
  });
});
