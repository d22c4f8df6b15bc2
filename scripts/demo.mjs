// The walk-through `npm run start:all` ends with: on the running platform, a new demo tenant's admin uses the
// `tessera` CLI to create a team and a developer key; the developer adds an Android app and registers a build from
// a real signed APK with an expiry; the admin sets a strict policy and revokes a device. Then it reads the events
// each step published from Kafka and prints them. Any failure is reported and makes the start command fail.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/** The fixture APK (apksig's v3-signed test app, see libs/apk/test-fixtures/README.md) and what it carries. */
const APK = path.join('libs', 'apk', 'test-fixtures', 'v3-ec-p256-targetSdk-30.apk');
const APK_PACKAGE = 'android.appsecurity.cts.tinyapp';

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
 * Runs the walk-through against the services started from `root`'s dist; `env` holds DATABASE_URL and
 * KAFKA_BROKERS. Answers the demo tenant and the CLI config file, or throws with what went wrong.
 */
export async function runDemo({ root, env, say }) {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const tenant = `demo-${stamp}`;
  const demoDir = path.join(root, '.cache', 'demo');
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  const cliConfig = path.join(demoDir, `${tenant}.json`);
  const node = (args, extraEnv = {}, input) => {
    const result = spawnSync(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env, TESSERA_CONFIG: cliConfig, ...extraEnv },
      input,
      encoding: 'utf8',
    });
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
  tessera(['login', '--endpoint', 'http://127.0.0.1:3001', '--key-stdin'], {}, bootstrap.key);

  const team = tesseraJson(['team', 'add', 'Mobile', '--description', 'the Android team']);
  const developer = tesseraJson(['key', 'add', 'mobile developer', '--role', 'developer', '--team', team.id]);
  const asDeveloper = { TESSERA_API_KEY: developer.key };
  const app = tesseraJson(['app', 'add', 'Tiny', '--platform', 'android', '--package', APK_PACKAGE], asDeveloper);
  const registration = tesseraJson(['registration', 'add', APK, '--expire-after', '600s'], asDeveloper);
  const policy = tesseraJson(['policy', 'add', 'strict', '--preset', 'strict']);
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
  say(
    `  every step is on its topic. Go on with: TESSERA_CONFIG=${path.relative(root, cliConfig)} npm run -s tessera -- app list`,
  );
  return { tenant, cliConfig };
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
