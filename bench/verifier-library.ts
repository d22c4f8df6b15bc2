/**
 * libs/verifier's TokenVerifier on one core: fresh tokens (each verified once: the signature check on fast-jwt, then
 * key state, revocations and binding) next to the raw node:crypto verification of the same signatures in the same
 * run, and a repeated token answered from the verified-token cache (every check but the signature made again). A
 * revocation index of `--revocations` entries is loaded, so lookups are not into an empty map.
 *
 *   npm run bench:verifier-library [-- --tokens 20000 --revocations 100000]
 */
import { randomBytes, randomUUID, verify as cryptoVerify } from 'node:crypto';
import type { EventData, SigningKeyUpsertedV1 } from '@tessera/contracts';
import { generateKeyMaterial, issueClaims, signToken } from '@tessera/tokens';
import { RevocationIndex, TokenVerifier, VerificationKeySet } from '@tessera/verifier';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const count = arg('tokens', 20_000);
const revocationCount = arg('revocations', 100_000);
const issuer = 'https://tessera.example.com/tenants/acme';
const audience = 'tessera:acme';

async function measure(alg: 'ES256' | 'EdDSA') {
  const material = generateKeyMaterial(alg);
  const kid = `bench-${alg.toLowerCase()}-key`;
  const keys = new VerificationKeySet();
  const event: EventData<typeof SigningKeyUpsertedV1> = {
    kid,
    alg,
    state: 'active',
    issuer,
    publicJwk: material.publicJwk,
    createdAt: new Date().toISOString(),
    activatedAt: new Date().toISOString(),
    deactivatedAt: null,
    retiresAt: null,
    revokedAt: null,
    revocationReason: null,
  };
  keys.applySigningKey('acme', event);
  const revocations = new RevocationIndex();
  for (let i = 0; i < revocationCount; i++) {
    revocations.upsert('acme', {
      revocationId: randomUUID(),
      subject: { kind: 'device', value: `revoked-device-${i}` },
      createdAt: new Date().toISOString(),
      expiresAt: null,
    });
  }
  const verifier = new TokenVerifier({ keys, revocations });
  const tokens: string[] = [];
  for (let i = 0; i < count + 500; i++) {
    const claims = issueClaims(
      {
        tenant: 'acme',
        appId: randomUUID(),
        verdict: 'pass',
        registrationId: randomUUID(),
        installationKeyThumbprint: randomBytes(32).toString('base64url'),
        lifetimeSeconds: 300,
      },
      { issuer, audience, now: new Date(), lifetimeSeconds: 300 },
    );
    tokens.push(await signToken({ kid, alg, privateKey: material.privateKey }, claims));
  }
  const raw = (token: string) => {
    const dot = token.lastIndexOf('.');
    const input = Buffer.from(token.slice(0, dot));
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    return alg === 'ES256'
      ? cryptoVerify('sha256', input, { key: material.publicKey, dsaEncoding: 'ieee-p1363' }, signature)
      : cryptoVerify(null, input, material.publicKey, signature);
  };
  for (const token of tokens.slice(0, 500)) {
    raw(token);
    await verifier.verify(token, { audience });
  }
  const fresh = tokens.slice(500);
  let start = process.hrtime.bigint();
  for (const token of fresh) if (!raw(token)) throw new Error('raw verification failed');
  const rawUs = Number(process.hrtime.bigint() - start) / 1e3 / count;
  start = process.hrtime.bigint();
  for (const token of fresh) {
    if (!(await verifier.verify(token, { audience })).accepted) throw new Error('a valid token was refused');
  }
  const freshUs = Number(process.hrtime.bigint() - start) / 1e3 / count;
  const repeated = fresh[0] ?? '';
  const repeats = count * 10;
  start = process.hrtime.bigint();
  for (let i = 0; i < repeats; i++) {
    if (!(await verifier.verify(repeated, { audience })).accepted) throw new Error('a cached token was refused');
  }
  const cachedUs = Number(process.hrtime.bigint() - start) / 1e3 / repeats;
  return { alg, rawUs, freshUs, cachedUs };
}

async function main() {
  console.log(`TokenVerifier, ${count} fresh tokens, ${revocationCount} revocations held, Node ${process.version}`);
  console.log('alg    | raw node:crypto | TokenVerifier, fresh | ratio | TokenVerifier, cached');
  for (const alg of ['ES256', 'EdDSA'] as const) {
    const r = await measure(alg);
    console.log(
      `${alg.padEnd(6)} | ${r.rawUs.toFixed(1)} µs        | ${r.freshUs.toFixed(1)} µs             | ${(r.freshUs / r.rawUs).toFixed(2)}× | ${r.cachedUs.toFixed(2)} µs`,
    );
  }
}

void main();
