// The pinning part of the walk-through (scripts/demo.mjs): the admin protects an API domain with the `tessera pins`
// commands, a genuine device's token gets the app its signed pin config and secure strings from the pins service, a
// repackaged device's token gets a bare 401, and the config the app would ship is exported and verified.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import path from 'node:path';

/** How long the pins service may take to learn the admin key (and then the domain) from Kafka. */
const PINS_DEADLINE_MS = 30_000;
const DOMAIN = 'api.demo.example.com';
const SECRET_NAME = 'paymentsApiKey';

/** A made-up key's pin (the demo has no server for the domain): what an admin types in from `openssl ... | base64`. */
const pinOf = (seed) => createHash('sha256').update(seed).digest('base64');

const pause = () => new Promise((resolve) => setTimeout(resolve, 250));

/**
 * `attempt(args)` runs the CLI without failing on its exit code; `tessera(args)` runs it and fails on any error;
 * `attest(profile)` gets a token from the integrity service on a simulated device.
 */
export async function showPins({ root, tenant, appPackage, urls, say, tessera, attempt, attest }) {
  const leaf = pinOf(`${tenant} api leaf key`);
  const backup = pinOf(`${tenant} offline backup key`);
  const add = ['pins', 'add', DOMAIN, '--pin', `${leaf}:current key`, '--backup-pin', `${backup}:offline backup`];
  const deadline = Date.now() + PINS_DEADLINE_MS;
  // The pins service knows the admin key once its api-key.upserted has arrived: until then, 401.
  let result = attempt(add);
  while (result.status !== 0 && Date.now() < deadline) {
    await pause();
    result = attempt(add);
  }
  if (result.status !== 0) throw new Error(`tessera pins add exited ${result.status}: ${result.stderr.trim()}`);
  say(`  $ tessera ${add.join(' ')}`);
  say(`  the admin protects ${DOMAIN}: apps pin it to these keys (a backup key is required):`);
  for (const line of tessera(['pins', 'list']).trimEnd().split('\n')) say(`    ${line}`);
  // A secret the app needs at run time: stored sealed, delivered only with the pin config, never printed.
  const secret = `sk_demo_${createHash('sha256').update(`${tenant}${Date.now()}`).digest('hex').slice(0, 24)}`;
  tessera(['secret', 'set', appPackage, SECRET_NAME, '--value-stdin'], {}, secret);

  // The app's config comes only with a valid token; the pins node learns the domain from Kafka a moment later.
  let config;
  while (Date.now() < deadline) {
    const { token } = await attest('genuine');
    const response = await fetch(`${urls.pins}/v1/config`, { headers: { 'tessera-token': token } });
    if (response.ok) {
      const answer = await response.json();
      const payload = JSON.parse(Buffer.from(answer.config.split('.')[1], 'base64url').toString('utf8'));
      const pinned = payload.domains.some((domain) => domain.pattern === DOMAIN);
      if (pinned && answer.secureStrings[SECRET_NAME] === secret) {
        config = { answer, payload };
        break;
      }
    }
    await pause();
  }
  if (!config) {
    throw new Error(`the pins service did not serve ${DOMAIN} and ${SECRET_NAME} to a genuine device within 30 s`);
  }
  const pins = config.payload.domains.find((domain) => domain.pattern === DOMAIN).pins;
  say(
    `  genuine device: GET /v1/config -> 200, a signed pin config (ES256 JWS, version ${config.answer.version}) ` +
      `pinning ${DOMAIN} to ${pins.length} keys, and its secure string ${SECRET_NAME} (the value set above; not shown)`,
  );
  const { token: repackaged } = await attest('repackaged');
  const refused = await fetch(`${urls.pins}/v1/config`, { headers: { 'tessera-token': repackaged } });
  const body = await refused.text();
  if (refused.status !== 401 || /config|secureStrings/.test(body)) {
    throw new Error(`a repackaged device's token got ${refused.status} ${body} from /v1/config`);
  }
  say(`  repackaged device: GET /v1/config -> 401 ${body}: no pins, no secrets`);

  const out = path.join(root, '.cache', 'demo', `${tenant}-pins`);
  for (const line of tessera(['pins', 'export', '--initial', appPackage, '--out', out]).trimEnd().split('\n')) {
    say(`    ${line}`);
  }
  say('  the app ships those two files; the SDK enforces the pins and takes signed updates only after attestation.');
}
