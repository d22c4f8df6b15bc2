import { MAX_SDK_EVIDENCE_LENGTH, SDK_EVIDENCE_TYPE } from '@tessera/contracts';
import { signSdkEvidence } from './sign-evidence';
import { evidencePayload } from './testing/evidence-fixtures';
import { ecKey, encodeJson, rawEs256, rawHs256 } from './testing/raw-jws';
import { type EvidenceVerification, verifySdkEvidence } from './verify-evidence';

/**
 * Every evidence the integrity service must refuse, one row per case, through `verifySdkEvidence` as the service
 * calls it. Rows other than the "not a JWS" ones are properly signed by the key in their header, so each is refused
 * for what its row names and not for a broken signature.
 */
const signer = ecKey();
const other = ecKey();
const p384 = ecKey('P-384');
const payload = evidencePayload();
const header = { alg: 'ES256', typ: SDK_EVIDENCE_TYPE, jwk: signer.publicJwk };
const signed = (extraHeader: object, body: unknown = payload) =>
  rawEs256({ ...header, ...extraHeader }, body, signer.privateKey);
const genuine = () => signSdkEvidence(payload, { privateKey: signer.privateKey, publicJwk: signer.publicJwk });
const [genuineHeader, genuinePayload, genuineSignature] = rawEs256(header, payload, signer.privateKey).split('.');

type Reason = Extract<EvidenceVerification, { ok: false }>['reason'];
const TABLE: [string, Reason, RegExp, () => Promise<string> | string][] = [
  ['nothing at all', 'malformed-evidence', /no evidence/, () => ''],
  [
    `longer than ${MAX_SDK_EVIDENCE_LENGTH} characters`,
    'malformed-evidence',
    /at most 16384/,
    () => signed({}, { ...payload, padding: 'x'.repeat(MAX_SDK_EVIDENCE_LENGTH) }),
  ],
  ['two segments', 'malformed-evidence', /3 segments, this has 2/, () => `${genuineHeader}.${genuinePayload}`],
  [
    'four segments',
    'malformed-evidence',
    /3 segments, this has 4/,
    () => `${genuineHeader}.${genuinePayload}.${genuineSignature}.x`,
  ],
  [
    'padded base64 (not base64url)',
    'malformed-evidence',
    /not unpadded base64url/,
    () => `${genuineHeader}==.${genuinePayload}.${genuineSignature}`,
  ],
  [
    'base64 + and / characters',
    'malformed-evidence',
    /not unpadded base64url/,
    () => `${genuineHeader}.${genuinePayload}+/.${genuineSignature}`,
  ],
  [
    'a header that is not JSON',
    'malformed-evidence',
    /^header: not JSON/,
    () => `${Buffer.from('{alg:ES256').toString('base64url')}.${genuinePayload}.${genuineSignature}`,
  ],
  [
    'a header that is a JSON array',
    'malformed-evidence',
    /^header: .*expected object/,
    () => `${encodeJson([header])}.${genuinePayload}.${genuineSignature}`,
  ],
  [
    'alg: none, no signature',
    'malformed-evidence',
    /signature is empty/,
    () => `${encodeJson({ ...header, alg: 'none' })}.${genuinePayload}.`,
  ],
  [
    'alg: none with a signature segment',
    'malformed-evidence',
    /^header: alg/,
    () => `${encodeJson({ ...header, alg: 'none' })}.${genuinePayload}.${genuineSignature}`,
  ],
  [
    'algorithm confusion: HS256 keyed with the public JWK',
    'malformed-evidence',
    /^header: alg/,
    () => rawHs256({ ...header, alg: 'HS256' }, payload, JSON.stringify(signer.publicJwk)),
  ],
  [
    'algorithm confusion: HS256 keyed with the public key PEM',
    'malformed-evidence',
    /^header: alg/,
    () =>
      rawHs256(
        { ...header, alg: 'HS256' },
        payload,
        signer.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      ),
  ],
  [
    'ES384 with a P-384 key',
    'malformed-evidence',
    /^header: alg/,
    () => rawEs256({ ...header, alg: 'ES384', jwk: p384.publicJwk }, payload, p384.privateKey, 'sha384'),
  ],
  [
    'no typ',
    'malformed-evidence',
    /^header: typ/,
    () => rawEs256({ alg: 'ES256', jwk: signer.publicJwk }, payload, signer.privateKey),
  ],
  ['typ JWT', 'malformed-evidence', /^header: typ/, () => signed({ typ: 'JWT' })],
  ['a crit header', 'malformed-evidence', /"crit"/, () => signed({ crit: ['exp'], exp: 1_796_000_000 })],
  ['b64: false (RFC 7797)', 'malformed-evidence', /"b64"/, () => signed({ b64: false, crit: ['b64'] })],
  ['an x5c header', 'malformed-evidence', /"x5c"/, () => signed({ x5c: ['MIIB'] })],
  ['a jku header', 'malformed-evidence', /"jku"/, () => signed({ jku: 'https://evil.example/jwks.json' })],
  [
    'a kid header instead of the key',
    'malformed-evidence',
    /^header: jwk: .*received undefined/,
    () => rawEs256({ alg: 'ES256', typ: SDK_EVIDENCE_TYPE, kid: 'k1' }, payload, signer.privateKey),
  ],
  [
    'a private key (d) in the header jwk',
    'malformed-evidence',
    /^header: jwk: .*"d"/,
    () => signed({ jwk: { ...signer.publicJwk, d: signer.privateKey.export({ format: 'jwk' }).d } }),
  ],
  [
    'a P-384 key in the header of an ES256 JWS',
    'malformed-evidence',
    /^header: jwk.crv/,
    () => signed({ jwk: p384.publicJwk }),
  ],
  [
    'a header key whose point is not on P-256',
    'malformed-evidence',
    /not a usable P-256 public key: DataError/,
    () => signed({ jwk: { ...signer.publicJwk, y: other.publicJwk.y } }),
  ],
  ['a payload that is not JSON', 'malformed-evidence', /^payload: not JSON/, () => signed({}, 'tenant=acme')],
  [
    'a payload the schema refuses (a short nonce)',
    'malformed-evidence',
    /^payload: nonce/,
    () => signed({}, { ...payload, nonce: 'abc' }),
  ],
  [
    'a payload with an unknown member',
    'malformed-evidence',
    /^payload: .*"admin"/,
    () => signed({}, { ...payload, admin: true }),
  ],
  [
    'a tampered payload',
    'bad-signature',
    /does not verify/,
    async () => {
      const [h, , s] = (await genuine()).split('.');
      return `${h}.${encodeJson({ ...payload, tenant: 'globex' })}.${s}`;
    },
  ],
  [
    'a header key other than the signer',
    'bad-signature',
    /does not verify/,
    () => rawEs256({ ...header, jwk: other.publicJwk }, payload, signer.privateKey),
  ],
  [
    'a signature of the wrong length',
    'bad-signature',
    /does not verify/,
    async () => `${(await genuine()).split('.').slice(0, 2).join('.')}.${Buffer.alloc(70, 1).toString('base64url')}`,
  ],
];

describe('the evidence refusal table: every bad case, with its reason code', () => {
  it.each(TABLE)('refuses %s: %s', async (_case, reason, detail, evidence) => {
    const verification = await verifySdkEvidence(await evidence());
    expect(verification).toMatchObject({ ok: false, reason, detail: expect.stringMatching(detail) as unknown });
  });

  it('accepts the genuine evidence every row starts from, by the SDK signer and written by hand', async () => {
    await expect(verifySdkEvidence(await genuine())).resolves.toMatchObject({ ok: true, payload });
    await expect(verifySdkEvidence(signed({}))).resolves.toMatchObject({ ok: true, payload });
  });

  it('has rows for both reason codes the evidence check gives', () => {
    expect(new Set(TABLE.map(([, reason]) => reason))).toEqual(new Set(['malformed-evidence', 'bad-signature']));
  });
});
