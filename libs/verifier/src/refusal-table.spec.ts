import { createHash, randomUUID } from 'node:crypto';
import { generateKeyMaterial, signToken, type TokenClaims } from '@tessera/tokens';
import { SignJWT } from 'jose';
import { RevocationIndex, type RevocationKind } from './revocation-index';
import { ACME_AUDIENCE, genuineClaims, signingKeyEvent } from './testing/token-fixtures';
import { type Verification, type VerificationContext, TokenVerifier } from './token-verifier';
import { VerificationKeySet } from './verification-key-set';
import { VERIFICATION_REFUSAL_REASONS, type VerificationRefusalReason } from './verification-reasons';
import { ViewFreshness } from './view/view-freshness';

/**
 * Every refusal the verifier makes, one row per case, through `TokenVerifier.verify` as an API server calls it.
 * The last test checks the table names every reason code, so a new reason cannot ship without its case.
 */
const now = Date.now();
const acme = generateKeyMaterial('ES256');
const globex = generateKeyMaterial('ES256');
const revoked = generateKeyMaterial('ES256');
const failure = generateKeyMaterial('ES256');
const signer = { kid: 'acme-active-1', alg: 'ES256' as const, privateKey: acme.privateKey };
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function world() {
  const keys = new VerificationKeySet();
  keys.applySigningKey('acme', signingKeyEvent('acme-active-1', acme));
  keys.applySigningKey('acme', signingKeyEvent('acme-revoked-1', revoked, { state: 'revoked' }));
  keys.applySigningKey(
    'globex',
    signingKeyEvent('globex-active-1', globex, { issuer: 'https://tessera.example.com/tenants/globex' }),
  );
  keys.applyFailureKey({
    failureKeyId: 'failure-key-1',
    alg: 'ES256',
    publicJwk: failure.publicJwk!,
    createdAt: new Date(now).toISOString(),
    forgetAfter: new Date(now + 3_600_000).toISOString(),
  });
  return { keys, revocations: new RevocationIndex() };
}

type World = ReturnType<typeof world>;
interface RefusalCase {
  token: (world: World) => Promise<string | undefined>;
  context?: VerificationContext;
  freshness?: ViewFreshness<number>;
}

const claims = (extra: Partial<TokenClaims> = {}): TokenClaims => ({ ...genuineClaims({ now }), ...extra });
const genuine = (extra: Partial<TokenClaims> = {}) => signToken(signer, claims(extra));
/** A genuine token whose `kind` subject is revoked in the world it is checked in. */
const revokedSubject = (kind: RevocationKind, of: (c: TokenClaims) => string) => async (w: World) => {
  const signed = claims();
  w.revocations.upsert('acme', {
    revocationId: randomUUID(),
    subject: { kind, value: of(signed) },
    createdAt: new Date(now).toISOString(),
    expiresAt: null,
  });
  return signToken(signer, signed);
};

const TABLE: [string, VerificationRefusalReason, RefusalCase][] = [
  ['no token', 'missing', { token: () => Promise.resolve(undefined) }],
  ['not a JWS', 'malformed', { token: () => Promise.resolve('not.a-token') }],
  [
    'typ JWT instead of tessera+jwt',
    'malformed',
    {
      token: () =>
        new SignJWT({ ...claims() })
          .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: signer.kid })
          .sign(acme.privateKey),
    },
  ],
  [
    'alg: none',
    'algorithm-not-allowed',
    { token: () => Promise.resolve(`${b64({ alg: 'none', typ: 'tessera+jwt', kid: signer.kid })}.${b64(claims())}.`) },
  ],
  [
    'algorithm confusion: HS256 keyed with the ES256 public key',
    'algorithm-not-allowed',
    {
      token: () =>
        new SignJWT({ ...claims() })
          .setProtectedHeader({ alg: 'HS256', typ: 'tessera+jwt', kid: signer.kid })
          .sign(Buffer.from(acme.publicKey.export({ type: 'spki', format: 'pem' }))),
    },
  ],
  [
    'a kid nobody published',
    'unknown-key',
    { token: () => signToken({ ...signer, kid: 'made-up-kid', privateKey: globex.privateKey }, claims()) },
  ],
  [
    "a kid from another tenant (globex's key, acme's issuer)",
    'wrong-issuer',
    { token: () => signToken({ kid: 'globex-active-1', alg: 'ES256', privateKey: globex.privateKey }, claims()) },
  ],
  [
    'a token signed by a revoked key',
    'revoked-key',
    { token: () => signToken({ kid: 'acme-revoked-1', alg: 'ES256', privateKey: revoked.privateKey }, claims()) },
  ],
  [
    'a tampered payload',
    'bad-signature',
    {
      token: async () => {
        const [header, , signature] = (await genuine()).split('.');
        return `${header}.${b64(claims({ sub: randomUUID() }))}.${signature}`;
      },
    },
  ],
  [
    'a failure token (the attestation behind it failed)',
    'failure-token',
    {
      token: () =>
        signToken({ kid: 'failure-key-1', alg: 'ES256', privateKey: failure.privateKey }, claims(), signer.kid),
    },
  ],
  [
    'an expired token (past exp and the skew)',
    'expired',
    { token: () => genuine(), context: { audience: ACME_AUDIENCE, now: now + 3_600_000 } },
  ],
  [
    'a token issued in the future (iat beyond the skew)',
    'not-yet-valid',
    { token: () => genuine(), context: { audience: ACME_AUDIENCE, now: now - 120_000 } },
  ],
  ['another audience', 'wrong-audience', { token: () => genuine({ aud: 'api.globex.example' }) }],
  [
    'another issuer on the right key',
    'wrong-issuer',
    { token: () => genuine({ iss: 'https://evil.example/tenants/acme' }) },
  ],
  [
    'a bound token (pay) with another Authorization',
    'binding-mismatch',
    {
      token: () => genuine({ pay: createHash('sha256').update('Bearer alice').digest('base64url') }),
      context: { audience: ACME_AUDIENCE, now, boundValue: 'Bearer mallory' },
    },
  ],
  ['a revoked device', 'revoked-device', { token: revokedSubject('device', (c) => c.did) }],
  ['a revoked installation', 'revoked-installation', { token: revokedSubject('installation', (c) => c.ipk) }],
  [
    'a revoked registration (app build)',
    'revoked-registration',
    { token: revokedSubject('registration', (c) => c.reg) },
  ],
  ['a revoked token', 'revoked-token', { token: revokedSubject('token', (c) => c.jti) }],
  [
    'any token while a fail-closed view is stale',
    'stale-view',
    { token: () => genuine(), freshness: new ViewFreshness({ maxStalenessMs: 1000, whenStale: 'fail-closed' }) },
  ],
];

describe('the refusal table: every bad case, with its reason code', () => {
  it.each(TABLE)('refuses %s: %s', async (_case, reason, refusal) => {
    const w = world();
    const verifier = new TokenVerifier({ ...w, freshness: refusal.freshness });
    const token = await refusal.token(w);
    const decision: Verification = await verifier.verify(token, refusal.context ?? { audience: ACME_AUDIENCE, now });
    expect(decision).toMatchObject({ accepted: false, reason });
  });

  it('accepts the genuine token every row starts from', async () => {
    const w = world();
    await expect(new TokenVerifier(w).verify(await genuine(), { audience: ACME_AUDIENCE, now })).resolves.toMatchObject(
      {
        accepted: true,
        tenant: 'acme',
      },
    );
  });

  it('has a row for every reason code', () => {
    expect(new Set(TABLE.map(([, reason]) => reason))).toEqual(new Set(VERIFICATION_REFUSAL_REASONS));
  });
});
