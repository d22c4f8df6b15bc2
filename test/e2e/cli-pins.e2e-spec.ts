import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { PinConfigKeySetSchema } from '@tessera/contracts';
import { PinConfigStore } from '@tessera/sdk';
import { DataSource } from 'typeorm';
import { makeTestChain } from '../../libs/pins/src/testing/test-chain';
import { type CliResult, CliProcess } from '../support/cli-process';
import { eventually } from '../support/eventually';
import { freePort, ServiceProcess } from '../support/service-process';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

/**
 * The built `tessera pins` commands against the built registration and pins services, each its own process: a
 * domain protected from a PEM chain with a backup pin, its expiry shown, a rotation planned whose early retirement
 * is refused, and the initial config exported into files the SDK's PinConfigStore starts from.
 */

const env = testEnvironment();
const suffix = uniqueSuffix();
const prefix = `e2e-clipins-${suffix}.`;
const tenant = `clipins-${suffix}`;
const schemas = { registration: `clipreg_${suffix}`, pins: `clippin_${suffix}` };
const shared = { KAFKA_BROKERS: env.kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: prefix, DATABASE_URL: env.databaseUrl };
const pinOf = (seed: string) => createHash('sha256').update(seed).digest('base64');
const PACKAGE = 'com.example.clipins';

interface DomainJson {
  id: string;
  pins: { pin: string; source: string }[];
  certificateExpiry: { daysLeft: number; status: string } | null;
}

describe('the `tessera pins` commands (built) against the pins service (built)', () => {
  const processes: ServiceProcess[] = [];
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-pins-'));
  let cli: CliProcess;
  let appId: string;

  beforeAll(async () => {
    const bootstrap = new ServiceProcess(
      'registration',
      await freePort(),
      { ...shared, DATABASE_SCHEMA: schemas.registration },
      ['bootstrap', '--tenant', tenant],
    ).start();
    processes.push(bootstrap);
    await bootstrap.waitForExit();
    expect(bootstrap.exit).toEqual({ code: 0, signal: null });
    const adminKey = (JSON.parse(bootstrap.output.trim()) as { key: string }).key;
    const registration = new ServiceProcess('registration', await freePort(), {
      ...shared,
      DATABASE_SCHEMA: schemas.registration,
    }).start();
    // A short config lifetime would let the test wait it out; the default (a day) shows the refusal instead.
    const pins = new ServiceProcess('pins', await freePort(), { ...shared, DATABASE_SCHEMA: schemas.pins }).start();
    processes.push(registration, pins);
    await Promise.all([registration.waitFor('/health/ready', 200, 60_000), pins.waitFor('/health/ready', 200, 60_000)]);
    cli = new CliProcess();
    await ok(['login', '--endpoint', registration.url, '--pins-endpoint', pins.url, '--key-stdin'], {
      stdin: adminKey,
    });
    await ok(['team', 'add', 'Mobile']);
    const app = await ok([
      'app',
      'add',
      'Pinned',
      '--platform',
      'android',
      '--package',
      PACKAGE,
      '--team',
      'Mobile',
      '--json',
    ]);
    appId = (JSON.parse(app.stdout) as { id: string }).id;
    // The pins service learns the key from the registration service's events, a moment after it was made.
    await eventually(
      async () => (await cli.run(['pins', 'list'])).code === 0,
      'the pins service to know the key',
      30_000,
    );
  }, 120_000);

  afterAll(async () => {
    try {
      await Promise.all(processes.map((p) => p.stop()));
    } finally {
      (cli as CliProcess | undefined)?.remove();
      rmSync(work, { recursive: true, force: true });
      const admin = new DataSource({ type: 'postgres', url: env.databaseUrl });
      await admin.initialize();
      for (const schema of Object.values(schemas)) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.destroy();
    }
  });

  async function ok(args: string[], options: { stdin?: string } = {}): Promise<CliResult> {
    const result = await cli.run(args, options);
    expect({ args, ...result }).toMatchObject({ args, code: 0 });
    return result;
  }

  it('protects a domain from a PEM chain with a backup pin, refuses a set without one, and shows the expiry', async () => {
    const chain = await makeTestChain(['api.clipins.test']);
    const pem = path.join(work, 'served.pem');
    await writeFile(pem, chain.servedPem);

    const refused = await cli.run(['pins', 'add', 'api.clipins.test', '--cert', pem]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('pin-set-refused');

    const added = await ok([
      'pins',
      'add',
      'api.clipins.test',
      '--cert',
      pem,
      '--backup-pin',
      `${pinOf('offline backup')}:vault 2`,
      '--json',
    ]);
    const domain = JSON.parse(added.stdout) as DomainJson;
    expect(domain.pins.map((p) => p.source)).toEqual(['leaf', 'backup']);
    expect(domain.certificateExpiry).toMatchObject({ status: 'ok' });
    expect(domain.certificateExpiry?.daysLeft).toBeGreaterThan(80);

    const list = await ok(['pins', 'list']);
    expect(list.stdout).toMatch(/api\.clipins\.test +443 +pinned +2 +all +ok, \d+ days left/);
    const show = await ok(['pins', 'show', 'api.clipins.test']);
    expect(show.stdout).toContain(`${pinOf('offline backup')}  backup  "vault 2"`);
    expect(show.stdout).toContain('CN=api.clipins.test until');
  });

  it('plans a rotation, and refuses to retire the old pin before every app could have the new one', async () => {
    const domain = JSON.parse((await ok(['pins', 'show', 'api.clipins.test', '--json'])).stdout) as DomainJson;
    const leafPin = domain.pins.find((p) => p.source === 'leaf')?.pin ?? '';
    const rotate = await ok([
      'pins',
      'rotate',
      'api.clipins.test',
      '--new-pin',
      pinOf('next key'),
      '--retire',
      leafPin,
    ]);
    expect(rotate.stdout).toMatch(/^state: +waiting$/m);
    expect(rotate.stderr).toContain('tessera pins retire');
    const rotationId = /^id: +(\S+)$/m.exec(rotate.stdout)?.[1] ?? '';

    const early = await cli.run(['pins', 'retire', rotationId]);
    expect(early.code).toBe(5);
    expect(early.stderr).toContain('reason too-early');
    const listed = await ok(['pins', 'rotations', 'api.clipins.test']);
    expect(listed.stdout).toContain(rotationId);
    expect(listed.stdout).toContain('waiting');
    const cancelled = await ok(['pins', 'cancel', rotationId]);
    expect(cancelled.stdout).toMatch(/^state: +cancelled$/m);
  });

  it('exports the initial config into files that the SDK starts from, pinning what the service serves', async () => {
    const out = path.join(work, 'assets');
    const domain = JSON.parse((await ok(['pins', 'show', 'api.clipins.test', '--json'])).stdout) as DomainJson;
    const expected = [{ pattern: 'api.clipins.test', pins: domain.pins.map((p) => p.pin) }];
    // The service signs from its view of the pins topic, a moment behind the admin API's answers.
    let store: PinConfigStore | undefined;
    await eventually(async () => {
      const exported = await ok(['pins', 'export', '--initial', PACKAGE, '--out', out]);
      expect(exported.stdout).toContain('wrote the initial pin config of Pinned');
      const keys = PinConfigKeySetSchema.parse(JSON.parse(await readFile(path.join(out, 'pins-jwks.json'), 'utf8')));
      const jws = (await readFile(path.join(out, 'pins-config.jws'), 'utf8')).trim();
      store = await PinConfigStore.fromInitialConfig(jws, { keys, tenant, appId });
      return JSON.stringify(store.config.domains) === JSON.stringify(expected);
    }, 'the exported config to pin what the service serves');
    expect(store?.config).toMatchObject({ tenant, appId, domains: expected });

    const unknown = await cli.run(['pins', 'export', '--initial', 'com.example.nothing']);
    expect(unknown.code).toBe(4);
    const reports = await ok(['pins', 'reports', '--json']);
    expect(JSON.parse(reports.stdout)).toEqual({ items: [], nextCursor: null });
    // The key never reached a terminal.
    expect(cli.transcript).not.toMatch(/tsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/);
  });
});
