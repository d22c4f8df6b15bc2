import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { installationIdOf } from './installation-id';
import { signSdkEvidence } from './sign-evidence';
import { evidencePayload, installationKey } from './testing/evidence-fixtures';
import { verifySdkEvidence } from './verify-evidence';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');
const rfc7638 = JSON.parse(readFileSync('libs/evidence/src/testing/fixtures/rfc7638-example.json', 'utf8')) as {
  jwk: { kty: string; n: string; e: string };
  thumbprintSha256: string;
};

describe('the installation id (RFC 7638 JWK SHA-256 thumbprint)', () => {
  it("gives RFC 7638's own example thumbprint for its RSA key", async () => {
    expect(rfc7638.thumbprintSha256).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    await expect(installationIdOf(rfc7638.jwk)).resolves.toBe(rfc7638.thumbprintSha256);
    // The fixture itself, checked the way the RFC computes it: required members, sorted, no whitespace.
    expect(sha256(`{"e":"${rfc7638.jwk.e}","kty":"RSA","n":"${rfc7638.jwk.n}"}`)).toBe(rfc7638.thumbprintSha256);
  });

  it('hashes exactly crv, kty, x, y of an EC P-256 key, in that order, whatever else the JWK has', async () => {
    // The public key of RFC 7515 appendix A.3 (the ES256 example).
    const x = 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU';
    const y = 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0';
    const expected = sha256(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`);
    await expect(installationIdOf({ y, x, kty: 'EC', crv: 'P-256' })).resolves.toBe(expected);
    await expect(
      installationIdOf({ kty: 'EC', crv: 'P-256', x, y, kid: 'k1', alg: 'ES256', use: 'sig' }),
    ).resolves.toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is what the verifier reports for evidence signed with the key', async () => {
    const key = await installationKey();
    const verification = await verifySdkEvidence(await signSdkEvidence(evidencePayload(), key));
    const { crv, kty, x, y } = key.publicJwk as Record<string, string>;
    expect(verification).toMatchObject({
      ok: true,
      installationId: sha256(JSON.stringify({ crv, kty, x, y })),
    });
  });
});
