// The walk-through `npm run start:all` ends with: on the running platform, a new demo tenant's admin uses the
// `tessera` CLI to create a team and a developer key; the developer adds an Android app and registers a build from
// a real signed APK with an expiry; the admin sets a strict policy and revokes a device. Then it reads the events
// each step published from Kafka and prints them, and lists the tenant's signing keys from the token service (which
// made them when the tenant's event arrived) with the tenant's JWKS URL. Last, the app attests: the SDK core with a
// simulated device of each profile (genuine, repackaged, rooted, hooked, emulator, behind a proxy) gets a token from
// the integrity service, and the verifier accepts the genuine device's only. Then pinning (scripts/demo-pins.mjs): the
// admin protects an API domain, the genuine device's token gets its signed pin config from the pins service, a
// repackaged one's a bare 401, and the config the app ships is exported. Any failure is reported and makes the start
// command fail.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { showPins } from './demo-pins.mjs';

/** The fixture APK (apksig's v3-signed test app, see libs/apk/test-fixtures/README.md) and what it carries. */
const APK = path.join('libs', 'apk', 'test-fixtures', 'v3-ec-p256-targetSdk-30.apk');
const APK_PACKAGE = 'android.appsecurity.cts.tinyapp';

/** Where scripts/start-all.mjs runs the services the CLI talks to, unless it says otherwise (its `services`). */
const DEFAULT_URLS = {
  registration: 'http://127.0.0.1:3001',
  integrity: 'http://127.0.0.1:3002',
  token: 'http://127.0.0.1:3003',
  pins: 'http://127.0.0.1:3004',
  verifier: 'http://127.0.0.1:3005',
};
/** How long the integrity service may take to learn the app and its registration from the registry topic. */
const INTEGRITY_DEADLINE_MS = 30_000;
/** The simulated devices the walk-through attests with, and what the verifier must decide on each one's token. */
const DEVICE_PROFILES = [
  ['genuine', 'accept'],
  ['repackaged', 'refuse'],
  ['rooted', 'refuse'],
  ['hooked', 'refuse'],
  ['emulator', 'refuse'],
  ['proxy', 'refuse'],
];
/** How long the token service may take to learn the tenant and its admin key from the registry topic. */
const TOKEN_SERVICE_DEADLINE_MS = 30_000;

const EXPECTED_EVENTS = [
  'tenant.upserted',
  // The bootstrapped admin key and the developer key: their hashes, role, team and validity, never the keys.
  'api-key.upserted',
  'team.upserted',
  'app.upserted',
  'registration.upserted',
  'policy.upserted',
  'revocation.upserted',
];

/**
 * Runs the walk-through against the services started from `root`'s dist, at `urls` (by service name); `env` holds
 * DATABASE_URL and KAFKA_BROKERS. Answers the demo tenant and the CLI config file, or throws with what went wrong.
 */
export async function runDemo({ root, env, say, urls = DEFAULT_URLS }) {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const tenant = `demo-${stamp}`;
  const demoDir = path.join(root, '.cache', 'demo');
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  const cliConfig = path.join(demoDir, `${tenant}.json`);
  const spawnNode = (args, extraEnv = {}, input) =>
    spawnSync(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env, TESSERA_CONFIG: cliConfig, ...extraEnv },
      input,
      encoding: 'utf8',
    });
  const node = (args, extraEnv = {}, input) => {
    const result = spawnNode(args, extraEnv, input);
    if (result.status !== 0) {
      throw new Error(`${args.slice(1).join(' ')} exited ${result.status}: ${result.stderr.trim() || result.stdout}`);
    }
    return result.stdout;
  };
  const cli = 'dist/apps/cli/src/main.js';
  const tessera = (args, extraEnv, input) => {
    say(`  $ tessera ${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}`);
    return node([cli, ...args], extraEnv, input);
  };
  const tesseraJson = (args, extraEnv) => JSON.parse(tessera([...args, '--json'], extraEnv));

  say('');
  say(`walk-through: a new tenant ${tenant}, driven with the tessera CLI`);
  const bootstrap = JSON.parse(
    node(['dist/apps/registration/src/main.js', 'bootstrap', '--tenant', tenant, '--name', 'Demo']),
  );
  say(`  bootstrap: tenant ${tenant} with its first admin key ${bootstrap.keyId} (shown once, kept only as a hash)`);
  tessera(
    [
      'login',
      '--endpoint',
      urls.registration,
      '--token-endpoint',
      urls.token,
      '--pins-endpoint',
      urls.pins,
      '--key-stdin',
    ],
    {},
    bootstrap.key,
  );

  const team = tesseraJson(['team', 'add', 'Mobile', '--description', 'the Android team']);
  const developer = tesseraJson(['key', 'add', 'mobile developer', '--role', 'developer', '--team', team.id]);
  const asDeveloper = { TESSERA_API_KEY: developer.key };
  const app = tesseraJson(['app', 'add', 'Tiny', '--platform', 'android', '--package', APK_PACKAGE], asDeveloper);
  const registration = tesseraJson(['registration', 'add', APK, '--expire-after', '600s'], asDeveloper);
  // Key Attestation and Play Integrity are not verified yet: required, they would fail every device.
  const policy = tesseraJson([
    'policy',
    'add',
    'strict',
    '--preset',
    'strict',
    '--set',
    'evidence.androidKeyAttestation=optional',
    '--set',
    'evidence.playIntegrity=optional',
  ]);
  tesseraJson(['app', 'set-policy', APK_PACKAGE, 'strict']);
  const revocation = tesseraJson(['revoke', 'device', 'demo-lost-phone', '--reason', 'reported lost']);
  say(
    `  registered ${APK_PACKAGE} versionCode ${registration.versionCodes?.min} signed by ` +
      `${registration.signingCertificateSha256?.[0]?.slice(0, 16)}..., expiring ${registration.expiresAt}`,
  );

  const ids = [bootstrap.keyId, team.id, developer.id, app.id, registration.id, policy.id, revocation.id];
  const events = await readEvents(env.KAFKA_BROKERS, tenant, ids);
  say('  events on Kafka (compacted state topics, keyed by entity):');
  for (const event of events) say(`    ${event.topic.padEnd(24)} ${event.type.padEnd(22)} ${event.key}`);
  const missing = EXPECTED_EVENTS.filter((type) => !events.some((e) => e.type === type));
  if (missing.length > 0) throw new Error(`no ${missing.join(', ')} event arrived within 20 s`);
  for (const id of ids) {
    if (!events.some((e) => e.key.endsWith(`/${id}`))) throw new Error(`no event for ${id}`);
  }
  say('  every step is on its topic.');

  await showSigningKeys({ tenant, tokenUrl: urls.token, say, tessera, attempt: (args) => spawnNode([cli, ...args]) });
  const attest = await attestDevices({ root, tenant, appId: app.id, registration, urls, say });
  await showPins({
    root,
    tenant,
    appPackage: APK_PACKAGE,
    urls,
    say,
    tessera,
    attempt: (args) => spawnNode([cli, ...args]),
    attest,
  });
  say(`  Go on with: TESSERA_CONFIG=${path.relative(root, cliConfig)} npm run -s tessera -- signing-key settings`);
  return { tenant, cliConfig };
}

/**
 * The app attests with the SDK core (libs/sdk, from the build) on a simulated device of each profile; the verifier
 * decides on each token. Retried until the integrity service's view has the app (it learns it from the registry topic
 * a moment after it was made) and the genuine device passes, or the deadline.
 */
async function attestDevices({ root, tenant, appId, registration, urls, say }) {
  const { MemoryInstallationKeyStore, SimulatedDevice, TesseraClient } = await import(
    path.join(root, 'dist', 'libs', 'sdk', 'src', 'index.js')
  );
  const genuine = {
    platform: 'android',
    packageName: APK_PACKAGE,
    signingCertificateSha256: registration.signingCertificateSha256,
    versionCode: registration.versionCodes.min,
  };
  const attest = async (profile) => {
    const device = SimulatedDevice.profile(profile, genuine);
    const sdk = new TesseraClient({
      baseUrl: urls.integrity,
      tenant,
      appId,
      measurement: device.measurement,
      deviceSignals: device.deviceSignals,
      keyStore: new MemoryInstallationKeyStore(),
    });
    const { token } = await sdk.token();
    const response = await fetch(`${urls.verifier}/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    return { token, decision: await response.json() };
  };
  const deadline = Date.now() + INTEGRITY_DEADLINE_MS;
  for (;;) {
    const first = await attest('genuine').catch((error) => ({ error }));
    if (first.decision?.decision === 'accept') break;
    if (Date.now() > deadline) {
      throw new Error(
        `a genuine device was not accepted within ${INTEGRITY_DEADLINE_MS / 1000} s: ${JSON.stringify(first.decision ?? String(first.error))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  say('  the app attests with the SDK on simulated devices; the verifier decides on each token it got:');
  for (const [profile, expected] of DEVICE_PROFILES) {
    const { token, decision } = await attest(profile);
    const reason = decision.decision === 'accept' ? '' : ` (${decision.reason})`;
    say(`    ${profile.padEnd(11)} token ...${token.slice(-24)}  verifier: ${decision.decision}${reason}`);
    if (decision.decision !== expected) throw new Error(`the ${profile} device's token was not ${expected}ed`);
  }
  say("  only the genuine device's token is accepted; the others got tokens too, which do not say which check failed.");
  return attest;
}

/**
 * The tenant's signing keys, from the token service: it learns the tenant (and makes its keys) and the admin key from
 * the registry topic, a moment after the registration service made them, so until then the CLI is refused (401) or
 * sees no keys. Retried until an active and a next key are listed and the tenant's JWKS serves them, or the deadline.
 */
async function showSigningKeys({ tenant, tokenUrl, say, tessera, attempt }) {
  const deadline = Date.now() + TOKEN_SERVICE_DEADLINE_MS;
  let last = 'nothing yet';
  let keys = [];
  while (Date.now() < deadline) {
    const result = attempt(['signing-key', 'list', '--json']);
    if (result.status === 0) {
      keys = JSON.parse(result.stdout).items;
      if (['active', 'next'].every((state) => keys.some((key) => key.state === state))) break;
      last = `${keys.length} key(s)`;
    } else {
      last = `exit ${result.status}: ${result.stderr.trim()}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (!['active', 'next'].every((state) => keys.some((key) => key.state === state))) {
    throw new Error(
      `the token service did not list an active and a next signing key of ${tenant} within ${TOKEN_SERVICE_DEADLINE_MS / 1000} s (last: ${last})`,
    );
  }
  say("  the token service made the tenant's signing keys when its tenant.upserted arrived:");
  for (const line of tessera(['signing-key', 'list']).trimEnd().split('\n')) say(`    ${line}`);

  const jwksUrl = `${tokenUrl}/tenants/${tenant}/.well-known/jwks.json`;
  // The JWKS is read from a snapshot at most a second old: wait for it too, rather than fail on that second.
  const published = keys.filter((key) => key.publicJwk !== null).map((key) => key.kid);
  let served = [];
  while (Date.now() < deadline) {
    try {
      const response = await fetch(jwksUrl, { signal: AbortSignal.timeout(5000) });
      if (response.ok) served = (await response.json()).keys.map((key) => key.kid);
    } catch {
      // not answering yet: try again until the deadline
    }
    if (published.every((kid) => served.includes(kid))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const missing = published.filter((kid) => !served.includes(kid));
  if (missing.length > 0) throw new Error(`the JWKS ${jwksUrl} does not serve ${missing.join(', ')}`);
  say(`  API servers verify the tenant's tokens with its JWKS: ${jwksUrl} (${served.length} keys)`);
}

/**
 * The demo tenant's events on the state topics, read from the beginning until every expected type is there and
 * every id made has its event (keys are spread over partitions, which are read in no order across them).
 */
async function readEvents(brokers, tenant, ids) {
  const kafka = new Kafka({ clientId: 'tessera-demo', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `tessera-demo-${tenant}`, maxWaitTimeInMs: 100 });
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const events = [];
  await consumer.connect();
  try {
    await consumer.subscribe({
      topics: ['registry', 'policies', 'revocations'].map((t) => `${prefix}tessera.${t}.v1`),
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const key = message.key?.toString() ?? '';
        if (!key.startsWith(`${tenant}/`) || !message.value) return;
        events.push({ topic, key, type: JSON.parse(message.value.toString()).type });
      },
    });
    const deadline = Date.now() + 20_000;
    const complete = () =>
      EXPECTED_EVENTS.every((type) => events.some((e) => e.type === type)) &&
      ids.every((id) => events.some((e) => e.key.endsWith(`/${id}`)));
    while (Date.now() < deadline && !complete()) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await consumer.disconnect();
  }
  return events;
}
