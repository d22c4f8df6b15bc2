import { generateKeyMaterial } from './key-material';
import { jwksDocument } from './jwks';

describe('the JWKS document', () => {
  const es = generateKeyMaterial('ES256').publicJwk;
  const ed = generateKeyMaterial('EdDSA').publicJwk;

  it('lists next, active and retiring public keys with kid, alg and use, sorted by kid', () => {
    const document = jwksDocument([
      { kid: 'b-active', alg: 'ES256', state: 'active', publicJwk: es },
      { kid: 'a-next', alg: 'EdDSA', state: 'next', publicJwk: ed },
      { kid: 'c-retiring', alg: 'ES256', state: 'retiring', publicJwk: es },
    ]);
    expect(document.keys.map((key) => [key.kid, key.alg, key.use, key.kty])).toEqual([
      ['a-next', 'EdDSA', 'sig', 'OKP'],
      ['b-active', 'ES256', 'sig', 'EC'],
      ['c-retiring', 'ES256', 'sig', 'EC'],
    ]);
  });

  it('never lists retired or revoked keys, nor HS256 secrets', () => {
    expect(
      jwksDocument([
        { kid: 'retired', alg: 'ES256', state: 'retired', publicJwk: es },
        { kid: 'revoked', alg: 'ES256', state: 'revoked', publicJwk: es },
        { kid: 'shared', alg: 'HS256', state: 'active', publicJwk: null },
      ]).keys,
    ).toEqual([]);
  });
});
