import { EventCatalog } from '../event-catalog';
import type { EventData } from '../event-definition';
import { Topics } from '../topics';
import { ALL_EVENTS } from './index';
import { FailureKeyUpsertedV1, signingKeySecretAad, SigningKeyUpsertedV1 } from './signing-key.events';

const catalog = new EventCatalog();
const jwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
} as const;
const sealed = {
  alg: 'A256GCM',
  kekId: 'kek-1',
  iv: 'AAAAAAAAAAAAAAAA',
  ciphertext: 'AAAA',
  tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
} as const;
const key: EventData<typeof SigningKeyUpsertedV1> = {
  kid: 'k1a2b3c4d5e6f7g8',
  alg: 'ES256',
  state: 'active',
  issuer: 'https://tessera.example.com/tenants/acme',
  publicJwk: jwk,
  createdAt: '2026-12-01T10:00:00.000Z',
  activatedAt: '2026-12-02T10:00:00.000Z',
  deactivatedAt: null,
  retiresAt: null,
  revokedAt: null,
  revocationReason: null,
};

describe('signing-key.upserted v1', () => {
  it('is listed, goes to the compacted keys topic and is keyed <tenant>/key/<kid>', () => {
    expect(ALL_EVENTS).toContain(SigningKeyUpsertedV1);
    expect(SigningKeyUpsertedV1.topic).toBe(Topics.keys);
    const envelope = catalog.build(SigningKeyUpsertedV1, { tenant: 'acme', producer: 'token', data: key });
    expect(envelope).toMatchObject({ type: 'signing-key.upserted', key: `acme/key/${key.kid}`, data: key });
  });

  it('takes an HS256 key with its sealed secret and no public JWK', () => {
    const hs = { ...key, alg: 'HS256', publicJwk: null, sealedSecret: sealed };
    expect(SigningKeyUpsertedV1.schema.safeParse(hs).success).toBe(true);
    expect(SigningKeyUpsertedV1.schema.safeParse({ ...hs, state: 'retired', sealedSecret: undefined }).success).toBe(
      true,
    );
  });

  it('binds an HS256 secret to its tenant and kid', () => {
    expect(signingKeySecretAad('acme', 'k1a2b3c4')).toBe('acme/signing-key/k1a2b3c4');
  });

  it.each([
    ['an unknown algorithm', { ...key, alg: 'RS256' }],
    ['alg none', { ...key, alg: 'none' }],
    ['an unknown state', { ...key, state: 'paused' }],
    ['a kid of 7 characters', { ...key, kid: 'abcdefg' }],
    ['a kid with a slash', { ...key, kid: 'abcdefgh/' }],
    ['an ES256 key without a public JWK', { ...key, publicJwk: null }],
    ['a public JWK with its private part', { ...key, publicJwk: { ...jwk, d: jwk.x } }],
    ['a P-384 JWK', { ...key, publicJwk: { ...jwk, crv: 'P-384' } }],
    ['an HS256 key with a public JWK', { ...key, alg: 'HS256', sealedSecret: sealed }],
    ['an ES256 key with a sealed secret', { ...key, sealedSecret: sealed }],
    [
      'a revoked HS256 key still carrying its secret',
      { ...key, alg: 'HS256', publicJwk: null, state: 'revoked', sealedSecret: sealed },
    ],
  ])('refuses %s', (_what, data) => {
    expect(SigningKeyUpsertedV1.schema.safeParse(data).success).toBe(false);
  });
});

describe('failure-key.upserted v1', () => {
  const failure: EventData<typeof FailureKeyUpsertedV1> = {
    failureKeyId: 'f1a2b3c4d5e6f7g8',
    alg: 'EdDSA',
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
    createdAt: '2026-12-01T10:00:00.000Z',
    forgetAfter: '2026-12-02T11:00:00.000Z',
  };

  it('is listed, goes to the keys topic and is keyed system/failure-key/<id>', () => {
    expect(ALL_EVENTS).toContain(FailureKeyUpsertedV1);
    const envelope = catalog.build(FailureKeyUpsertedV1, { tenant: 'system', producer: 'token', data: failure });
    expect(envelope).toMatchObject({ key: `system/failure-key/${failure.failureKeyId}` });
    expect(FailureKeyUpsertedV1.topic).toBe(Topics.keys);
  });

  it.each([
    ['an HS256 failure key (it has no public part to publish)', { ...failure, alg: 'HS256' }],
    ['a missing public JWK', { ...failure, publicJwk: undefined }],
    ['a private JWK', { ...failure, publicJwk: { ...failure.publicJwk, d: failure.publicJwk.x } }],
  ])('refuses %s', (_what, data) => {
    expect(FailureKeyUpsertedV1.schema.safeParse(data).success).toBe(false);
  });
});
