import { PublicJwkSchema } from '@tessera/contracts';
import { generateKeyMaterial, importKeyMaterial, publicKeyFromJwk } from './key-material';

describe('key material', () => {
  it.each([
    ['ES256', 'EC', 'P-256'],
    ['EdDSA', 'OKP', 'Ed25519'],
  ] as const)('%s: a public JWK of %s %s with no private part, and a PKCS#8 round trip', (alg, kty, crv) => {
    const material = generateKeyMaterial(alg);
    expect(material.publicJwk).toMatchObject({ kty, crv });
    expect(PublicJwkSchema.safeParse(material.publicJwk).success).toBe(true);
    expect(JSON.stringify(material.publicJwk)).not.toContain('"d"');
    const again = importKeyMaterial(alg, material.privateBytes());
    expect(again.publicJwk).toEqual(material.publicJwk);
    expect(publicKeyFromJwk(alg, material.publicJwk!).equals(material.publicKey)).toBe(true);
  });

  it('HS256: a 256-bit secret and no public JWK', () => {
    const material = generateKeyMaterial('HS256');
    expect(material.publicJwk).toBeNull();
    expect(material.privateBytes()).toHaveLength(32);
    expect(importKeyMaterial('HS256', material.privateBytes()).privateBytes()).toEqual(material.privateBytes());
    expect(() => importKeyMaterial('HS256', Buffer.alloc(16))).toThrow('32 bytes');
  });

  it('refuses to import a key as another algorithm, or a JWK of another curve', () => {
    const ed = generateKeyMaterial('EdDSA');
    expect(() => importKeyMaterial('ES256', ed.privateBytes())).toThrow('not ec');
    expect(() => publicKeyFromJwk('ES256', ed.publicJwk!)).toThrow('does not sign ES256');
  });

  it('makes a new key each time', () => {
    expect(generateKeyMaterial('ES256').publicJwk).not.toEqual(generateKeyMaterial('ES256').publicJwk);
  });
});
