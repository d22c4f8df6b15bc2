import { createHash, generateKeyPairSync } from 'node:crypto';
import { spkiPin } from './spki-pin';

describe('spkiPin', () => {
  it('is the base64 SHA-256 of the DER SubjectPublicKeyInfo, as RFC 7469 computes it', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const expected = createHash('sha256').update(der).digest('base64');
    await expect(spkiPin(new Uint8Array(der))).resolves.toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });
});
