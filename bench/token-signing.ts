/**
 * Tokens signed per second on one core, for ES256, EdDSA and HS256, with libs/tokens (jose) and, in the same run,
 * the raw node:crypto signing of the same signing input: the floor a JWS library cannot beat. Prints figures; the
 * results and their command live in docs/benchmarks.md.
 *
 *   npm run bench:token-signing [-- --tokens 20000]
 */
import { createHmac, randomBytes, randomUUID, sign } from 'node:crypto';
import type { SigningAlgorithm } from '@tessera/contracts';
import { generateKeyMaterial, issueClaims, signToken } from '@tessera/tokens';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const count = arg('tokens', 20_000);
const claims = issueClaims(
  {
    tenant: 'acme',
    appId: randomUUID(),
    verdict: 'pass',
    registrationId: randomUUID(),
    installationKeyThumbprint: randomBytes(32).toString('base64url'),
    lifetimeSeconds: 300,
  },
  {
    issuer: 'https://tessera.example.com/tenants/acme',
    audience: 'tessera:acme',
    now: new Date(),
    lifetimeSeconds: 300,
  },
);

function rawSigner(alg: SigningAlgorithm, material: ReturnType<typeof generateKeyMaterial>): (input: Buffer) => Buffer {
  switch (alg) {
    case 'ES256':
      return (input) => sign('sha256', input, { key: material.privateKey, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return (input) => sign(null, input, material.privateKey);
    case 'HS256':
      return (input) => createHmac('sha256', material.privateKey).update(input).digest();
  }
}

async function measure(alg: SigningAlgorithm) {
  const material = generateKeyMaterial(alg);
  const key = { kid: 'bench-key-0001', alg, privateKey: material.privateKey };
  const sample = await signToken(key, claims);
  const input = Buffer.from(sample.slice(0, sample.lastIndexOf('.')));
  const raw = rawSigner(alg, material);
  for (let i = 0; i < 500; i++) {
    raw(input);
    await signToken(key, claims);
  }
  // Raw: the same bytes signed, nothing else (no JSON, no base64url).
  let start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) raw(input);
  const rawUs = Number(process.hrtime.bigint() - start) / 1e3 / count;
  // libs/tokens one at a time: what one core does when each token waits for the last.
  start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await signToken(key, claims);
  const sequentialUs = Number(process.hrtime.bigint() - start) / 1e3 / count;
  // 64 in flight, as the token service answers requests concurrently (WebCrypto may use libuv's threads).
  start = process.hrtime.bigint();
  for (let done = 0; done < count; done += 64) {
    await Promise.all(Array.from({ length: Math.min(64, count - done) }, () => signToken(key, claims)));
  }
  const concurrentUs = Number(process.hrtime.bigint() - start) / 1e3 / count;
  return { alg, rawUs, sequentialUs, concurrentUs, length: sample.length };
}

async function main() {
  console.log(`token signing, ${count} tokens per measurement, Node ${process.version}`);
  console.log(
    'alg    | raw node:crypto      | libs/tokens (jose), sequential | ratio | 64 in flight (wall) | token length',
  );
  for (const alg of ['ES256', 'EdDSA', 'HS256'] as const) {
    const r = await measure(alg);
    const perSecond = (us: number) => `${Math.round(1e6 / us).toLocaleString('en-US')}/s`;
    console.log(
      `${alg.padEnd(6)} | ${r.rawUs.toFixed(1)} µs ${perSecond(r.rawUs).padStart(10)} | ${r.sequentialUs.toFixed(1)} µs ${perSecond(r.sequentialUs).padStart(10)}            | ${(r.sequentialUs / r.rawUs).toFixed(2)}× | ${r.concurrentUs.toFixed(1)} µs ${perSecond(r.concurrentUs)} | ${r.length}`,
    );
  }
}

void main();
