/**
 * Verifications per second on one core of fresh ES256 and EdDSA tokens (issue 6's verifier hot path): the raw
 * node:crypto verification of the signatures (the floor), and on the same tokens fast-jwt, jsonwebtoken, jose and a
 * hand-checked node:crypto verifier, each doing the RFC 8725 work: algorithm pinned to the key's (never the
 * token's), `typ: tessera+jwt`, `kid` present and naming the key, `iss`, `aud`, `exp` with 30 s of clock tolerance,
 * required iss, aud, sub, iat, exp and jti. Every token is verified once per candidate (no candidate caches). Each
 * candidate must accept every valid token and refuse the bad ones, or the script exits non-zero. Figures live in
 * docs/benchmarks.md.
 *
 *   npm run bench:verifier-hot-path [-- --tokens 20000]
 */
import { createHmac, type KeyObject, randomBytes, randomUUID, verify } from 'node:crypto';
import { TOKEN_TYPE } from '@tessera/contracts';
import { generateKeyMaterial, issueClaims, signToken, type TokenClaims } from '@tessera/tokens';
import { createVerifier, type DecodedJwt } from 'fast-jwt';
import jwt from 'jsonwebtoken';
import { jwtVerify, type JWTHeaderParameters, SignJWT } from 'jose';

type Alg = 'ES256' | 'EdDSA';
const ALGS: readonly Alg[] = ['ES256', 'EdDSA'];
const ISSUER = 'https://tessera.example.com/tenants/acme';
const AUDIENCE = 'tessera:acme';
const TOLERANCE_S = 30;
const REQUIRED = ['iss', 'aud', 'sub', 'iat', 'exp', 'jti'] as const;

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

/** The verifier's key ring: one published key per algorithm, each pinned to its algorithm. */
interface RingKey {
  kid: string;
  alg: Alg;
  publicKey: KeyObject;
  pem: string;
  privateKey: KeyObject;
}
const ring = new Map<string, RingKey>();
const keyOf: Record<Alg, RingKey> = {} as Record<Alg, RingKey>;
for (const alg of ALGS) {
  const material = generateKeyMaterial(alg);
  const key: RingKey = {
    kid: `bench-${alg}-${randomBytes(6).toString('base64url')}`,
    alg,
    publicKey: material.publicKey,
    pem: material.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    privateKey: material.privateKey,
  };
  ring.set(key.kid, key);
  keyOf[alg] = key;
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing value');
  return value;
}

/** Our own cheap header decode: split at '.', base64url, JSON.parse. */
function decodeHeader(token: string): Record<string, unknown> {
  const dot = token.indexOf('.');
  if (dot <= 0) throw new Error('not a JWS');
  const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('bad header');
  return header as Record<string, unknown>;
}

/** The ring key a header names, checked: kid present and known, alg the key's, typ ours. */
function keyFor(header: Record<string, unknown>): RingKey {
  const key = typeof header.kid === 'string' ? ring.get(header.kid) : undefined;
  if (!key) throw new Error('unknown kid');
  if (header.alg !== key.alg) throw new Error('alg is not the key’s');
  if (header.typ !== TOKEN_TYPE) throw new Error('bad typ');
  return key;
}

/** Claims checks a library leaves to its caller (jsonwebtoken has no required claims). */
function checkRequired(payload: Record<string, unknown>): void {
  for (const claim of REQUIRED) if (!(claim in payload)) throw new Error(`no ${claim}`);
}

type Verify = (token: string) => unknown;

// 1. Raw floor: crypto.verify of the signing input against the signature; nothing else (key from the kid we signed).
function rawFloor(alg: Alg): (input: Buffer, signature: Buffer) => boolean {
  const key = keyOf[alg].publicKey;
  return alg === 'ES256'
    ? (input, signature) => verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature)
    : (input, signature) => verify(null, input, key, signature);
}

// 2a. fast-jwt, a sync verifier per kid (PEM key), chosen from our header decode.
const fastByKid = new Map(
  [...ring.values()].map((key) => [
    key.kid,
    createVerifier({
      key: key.pem,
      algorithms: [key.alg],
      allowedIss: ISSUER,
      allowedAud: AUDIENCE,
      clockTolerance: TOLERANCE_S * 1000, // fast-jwt counts milliseconds
      requiredClaims: [...REQUIRED],
      checkTyp: TOKEN_TYPE,
      cache: false,
      complete: true,
    }),
  ]),
);
const fastJwtPerKid: Verify = (token) => {
  const header = decodeHeader(token);
  const verifier = typeof header.kid === 'string' ? fastByKid.get(header.kid) : undefined;
  if (!verifier) throw new Error('unknown kid');
  const { header: checked } = verifier(token) as DecodedJwt;
  if (checked.kid !== header.kid || checked.typ !== TOKEN_TYPE) throw new Error('bad header');
  return checked;
};

// 2b. fast-jwt's own per-kid hook: one verifier whose key callback picks the key by kid (async: fast-jwt imports
// the returned PEM on every call).
const fastJwtCallback = createVerifier({
  key: (decoded: DecodedJwt) => {
    const key = keyFor(decoded.header as Record<string, unknown>);
    return Promise.resolve(key.pem);
  },
  algorithms: [...ALGS],
  allowedIss: ISSUER,
  allowedAud: AUDIENCE,
  clockTolerance: TOLERANCE_S * 1000,
  requiredClaims: [...REQUIRED],
  checkTyp: TOKEN_TYPE,
  cache: false,
  complete: true,
});

// 3. jsonwebtoken, with the key our header decode names.
const jsonwebtoken: Verify = (token) => {
  const key = keyFor(decodeHeader(token));
  const result = jwt.verify(token, key.publicKey, {
    algorithms: [key.alg as jwt.Algorithm],
    issuer: ISSUER,
    audience: AUDIENCE,
    clockTolerance: TOLERANCE_S,
    complete: true,
  });
  if (result.header.kid !== key.kid || result.header.typ !== TOKEN_TYPE || 'crit' in result.header)
    throw new Error('bad header');
  if (typeof result.payload !== 'object') throw new Error('bad payload');
  checkRequired(result.payload);
  return result;
};

// 4. jose, its key-getter pinning the kid and the algorithm to the ring's key.
const joseKey = (header: JWTHeaderParameters) => keyFor(header).publicKey;
const jose = (token: string) =>
  jwtVerify(token, joseKey, {
    algorithms: [...ALGS],
    typ: TOKEN_TYPE,
    issuer: ISSUER,
    audience: AUDIENCE,
    clockTolerance: TOLERANCE_S,
    requiredClaims: [...REQUIRED],
  });

// 5. Hand-checked: node:crypto and our own checks. A measurement of what the checks cost, not a recommendation.
const handChecked: Verify = (token) => {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) throw new Error('not a compact JWS');
  const header = decodeHeader(token);
  if ('crit' in header) throw new Error('crit not understood');
  const key = keyFor(header);
  const signature = Buffer.from(token.slice(second + 1), 'base64url');
  const input = Buffer.from(token.slice(0, second), 'latin1');
  const ok =
    key.alg === 'ES256'
      ? signature.length === 64 && verify('sha256', input, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, signature)
      : signature.length === 64 && verify(null, input, key.publicKey, signature);
  if (!ok) throw new Error('bad signature');
  const payload: unknown = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new Error('bad payload');
  const claims = payload as Record<string, unknown>;
  const now = Date.now() / 1000;
  if (claims.iss !== ISSUER) throw new Error('bad iss');
  const aud = claims.aud;
  if (!(aud === AUDIENCE || (Array.isArray(aud) && aud.includes(AUDIENCE)))) throw new Error('bad aud');
  if (typeof claims.sub !== 'string' || typeof claims.jti !== 'string') throw new Error('bad sub or jti');
  if (typeof claims.exp !== 'number' || claims.exp + TOLERANCE_S < now) throw new Error('expired');
  if (typeof claims.iat !== 'number' || claims.iat - TOLERANCE_S > now) throw new Error('issued in the future');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf - TOLERANCE_S > now))
    throw new Error('not yet valid');
  return claims;
};

interface Measured {
  name: string;
  verify: (token: string, index: number) => unknown;
  async: boolean;
  /** The floor checks the signature only: it is held to the signature cases, not to the claims ones. */
  signatureOnly?: boolean;
  unsupported?: string;
}

function jsonwebtokenSupports(alg: Alg): string | true {
  try {
    jsonwebtoken(tokenForProbe[alg]);
    return true;
  } catch (error) {
    return `not supported (${(error as Error).message})`;
  }
}
const tokenForProbe = {} as Record<Alg, string>;

const claimsContext = () => ({ issuer: ISSUER, audience: AUDIENCE, now: new Date(), lifetimeSeconds: 300 });
const request = () => ({
  tenant: 'acme',
  appId: randomUUID(),
  verdict: 'pass' as const,
  registrationId: randomUUID(),
  installationKeyThumbprint: randomBytes(32).toString('base64url'),
  lifetimeSeconds: 300,
});
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function freshTokens(alg: Alg, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(await signToken(keyOf[alg], issueClaims(request(), claimsContext())));
  return tokens;
}

/** Tokens every verifier must refuse (the first three the floor too), and one it must still accept. */
async function cases(alg: Alg) {
  const key = keyOf[alg];
  const valid = await signToken(key, issueClaims(request(), claimsContext()));
  const [h, p, s] = valid.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as TokenClaims;
  const hsHeader = b64({ alg: 'HS256', typ: TOKEN_TYPE, kid: key.kid });
  const hsInput = `${hsHeader}.${p}`;
  const past = (seconds: number) => {
    const now = Math.floor(Date.now() / 1000);
    return { ...claims, iat: now - 300 - seconds, exp: now - seconds };
  };
  const bad = {
    tampered: `${h}.${b64({ ...claims, sub: randomUUID() })}.${s}`,
    'alg none': `${b64({ alg: 'none', typ: TOKEN_TYPE, kid: key.kid })}.${p}.`,
    [`HS256 with the ${alg} public key`]: `${hsInput}.${createHmac('sha256', key.pem).update(hsInput).digest('base64url')}`,
  };
  const claimsBad = {
    'expired 60 s ago': await signToken(key, past(60)),
    'typ JWT': await new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', kid: key.kid }).sign(key.privateKey),
    'unknown kid': await signToken(key, claims, 'not-a-kid'),
    'wrong aud': await signToken(key, { ...claims, aud: 'tessera:other' }),
    'no jti': await signToken(key, { ...claims, jti: undefined } as unknown as TokenClaims),
  };
  const good = { 'expired 10 s ago (within tolerance)': await signToken(key, past(10)) };
  return { bad, claimsBad, good };
}

function candidates(alg: Alg, inputs: Buffer[], signatures: Buffer[]): Measured[] {
  const raw = rawFloor(alg);
  const jwtSupport = jsonwebtokenSupports(alg);
  return [
    {
      name: 'raw node:crypto (floor)',
      async: false,
      signatureOnly: true,
      verify: (token, index) => {
        // In the timed loop, the pre-split bytes; for the correctness cases, the token split here.
        if (index >= 0) {
          if (!raw(must(inputs[index]), must(signatures[index]))) throw new Error('bad signature');
          return true;
        }
        const cut = token.lastIndexOf('.');
        if (!raw(Buffer.from(token.slice(0, cut)), Buffer.from(token.slice(cut + 1), 'base64url')))
          throw new Error('bad signature');
        return true;
      },
    },
    { name: 'fast-jwt, sync verifier per kid', async: false, verify: fastJwtPerKid },
    { name: 'fast-jwt, key callback', async: true, verify: (token) => fastJwtCallback(token) },
    {
      name: 'jsonwebtoken',
      async: false,
      verify: jsonwebtoken,
      unsupported: jwtSupport === true ? undefined : jwtSupport,
    },
    { name: 'jose jwtVerify', async: true, verify: jose },
    { name: 'hand-checked node:crypto', async: false, verify: handChecked },
  ];
}

async function accepts(candidate: Measured, token: string): Promise<boolean> {
  try {
    const result = candidate.verify(token, -1);
    if (candidate.async) await result;
    return true;
  } catch {
    return false;
  }
}

/** Verifies tokens[from, to) once each; returns the nanoseconds taken and how many were refused. */
async function timed(candidate: Measured, tokens: string[], from: number, to: number) {
  let refused = 0;
  const start = process.hrtime.bigint();
  if (candidate.async) {
    for (let i = from; i < to; i++) {
      try {
        await candidate.verify(must(tokens[i]), i);
      } catch {
        refused++;
      }
    }
  } else {
    for (let i = from; i < to; i++) {
      try {
        candidate.verify(must(tokens[i]), i);
      } catch {
        refused++;
      }
    }
  }
  return { ns: Number(process.hrtime.bigint() - start), refused };
}

async function measure(alg: Alg, count: number): Promise<boolean> {
  const warmCount = Math.min(2000, count);
  const tokens = await freshTokens(alg, count + warmCount);
  tokenForProbe[alg] = must(tokens[count + warmCount - 1]); // a warm-up token: measured tokens stay fresh
  const inputs = tokens.map((t) => Buffer.from(t.slice(0, t.lastIndexOf('.'))));
  const signatures = tokens.map((t) => Buffer.from(t.slice(t.lastIndexOf('.') + 1), 'base64url'));
  const list = candidates(alg, inputs, signatures);
  const active = list.filter((c) => !c.unsupported);
  // Warm-up on tokens of their own, then the measured tokens in 20 slices, candidates in a rotating order per slice
  // (so drift on a shared machine spreads over all of them); each measured token is verified once per candidate.
  for (const c of active) await timed(c, tokens, count, count + warmCount);
  const totals = new Map(active.map((c) => [c.name, { ns: 0, refused: 0, perSlice: [] as number[] }]));
  const slices = Math.max(1, Math.min(20, Math.floor(count / 500)));
  for (let slice = 0; slice < slices; slice++) {
    const from = Math.floor((count * slice) / slices);
    const to = Math.floor((count * (slice + 1)) / slices);
    for (let k = 0; k < active.length; k++) {
      const c = must(active[(k + slice) % active.length]);
      const r = await timed(c, tokens, from, to);
      const total = must(totals.get(c.name));
      total.ns += r.ns;
      total.refused += r.refused;
      total.perSlice.push(r.ns / (to - from));
    }
  }
  // Ratios are the median over slices of (candidate / floor) on the same slice: a burst of load from another process
  // moves one slice, not the figure.
  const floor = must(totals.get(must(list[0]).name));
  const median = (values: number[]) => must([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);
  console.log(
    `\n${alg}: ${count} fresh tokens (${must(tokens[0]).length} characters), each verified once per candidate`,
  );
  console.log(
    'candidate                          |     µs/verify | verifications/s | ratio to floor (median of slices)',
  );
  for (const c of list) {
    if (c.unsupported) {
      console.log(`${c.name.padEnd(34)} | ${c.unsupported}`);
      continue;
    }
    const total = must(totals.get(c.name));
    const us = total.ns / 1e3 / count;
    const ratio = median(total.perSlice.map((ns, i) => ns / must(floor.perSlice[i])));
    console.log(
      `${c.name.padEnd(34)} | ${us.toFixed(1).padStart(10)} µs | ${Math.round(1e6 / us)
        .toLocaleString('en-US')
        .padStart(13)}/s | ${ratio.toFixed(2)}×`,
    );
  }
  // Correctness: every valid token accepted; the bad ones refused.
  const { bad, claimsBad, good } = await cases(alg);
  let ok = true;
  console.log(`${alg} correctness:`);
  for (const c of active) {
    const refusedValid = must(totals.get(c.name)).refused;
    const wrong: string[] = [];
    if (refusedValid > 0) wrong.push(`refused ${refusedValid} valid tokens`);
    const mustRefuse = c.signatureOnly ? bad : { ...bad, ...claimsBad };
    for (const [label, token] of Object.entries(mustRefuse))
      if (await accepts(c, token)) wrong.push(`accepted ${label}`);
    if (!c.signatureOnly)
      for (const [label, token] of Object.entries(good)) if (!(await accepts(c, token))) wrong.push(`refused ${label}`);
    const checked = Object.keys(mustRefuse).length;
    console.log(
      `  ${c.name.padEnd(34)} ${wrong.length === 0 ? 'OK' : 'FAIL'}: accepted ${count - refusedValid}/${count} valid, refused ${checked - wrong.filter((w) => w.startsWith('accepted')).length}/${checked} bad (${Object.keys(mustRefuse).join(', ')})${c.signatureOnly ? '; signature only, not a verifier' : ''}${wrong.length ? ` — ${wrong.join('; ')}` : ''}`,
    );
    if (wrong.length) ok = false;
  }
  return ok;
}

async function main() {
  const count = arg('tokens', 20_000);
  console.log(`verifier hot path, Node ${process.version}, one process, one core`);
  let ok = true;
  for (const alg of ALGS) ok = (await measure(alg, count)) && ok;
  if (!ok) {
    console.error('\na candidate accepted a bad token or refused a valid one: its figures are worthless');
    process.exit(1);
  }
}

void main();
