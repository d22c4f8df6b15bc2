import { createSecretKey } from 'node:crypto';
import { gcmDecrypt, gcmEncrypt } from './aes-256-gcm';

/**
 * Known-answer tests: the AES-256 cases (13-16) of D. McGrew and J. Viega, "The Galois/Counter Mode of Operation
 * (GCM)", revised specification submitted to NIST (2005), Appendix B — the test vectors NIST references for
 * SP 800-38D. They show the primitive is called correctly: key, 96-bit IV, additional data, ciphertext, 128-bit tag.
 */
const hex = (text: string) => Buffer.from(text, 'hex');

const K15 = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
const P15 =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
  '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const C15 =
  '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
  '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';

const vectors = [
  {
    name: 'test case 13: zero key and IV, no plaintext, no additional data',
    key: '00'.repeat(32),
    iv: '00'.repeat(12),
    plaintext: '',
    aad: '',
    ciphertext: '',
    tag: '530f8afbc74536b9a963b4f1c4cb738b',
  },
  {
    name: 'test case 14: zero key and IV, one zero block',
    key: '00'.repeat(32),
    iv: '00'.repeat(12),
    plaintext: '00'.repeat(16),
    aad: '',
    ciphertext: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  {
    name: 'test case 15: four blocks, no additional data',
    key: K15,
    iv: 'cafebabefacedbaddecaf888',
    plaintext: P15,
    aad: '',
    ciphertext: C15,
    tag: 'b094dac5d93471bdec1a502270e3cc6c',
  },
  {
    name: 'test case 16: a partial last block and 20 bytes of additional data',
    key: K15,
    iv: 'cafebabefacedbaddecaf888',
    plaintext: P15.slice(0, 120),
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    ciphertext: C15.slice(0, 120),
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

describe('AES-256-GCM known answers (McGrew-Viega GCM spec, cases 13-16)', () => {
  it.each(vectors)('$name', (vector) => {
    const key = createSecretKey(hex(vector.key));
    const sealed = gcmEncrypt(key, hex(vector.iv), hex(vector.plaintext), hex(vector.aad));
    expect(sealed.ciphertext.toString('hex')).toBe(vector.ciphertext);
    expect(sealed.tag.toString('hex')).toBe(vector.tag);
    const opened = gcmDecrypt(key, hex(vector.iv), hex(vector.ciphertext), hex(vector.tag), hex(vector.aad));
    expect(opened.toString('hex')).toBe(vector.plaintext);
  });

  it('refuses a truncated tag instead of checking only its first bytes', () => {
    const vector = vectors[3]!;
    const key = createSecretKey(hex(vector.key));
    expect(() =>
      gcmDecrypt(key, hex(vector.iv), hex(vector.ciphertext), hex(vector.tag).subarray(0, 4), hex(vector.aad)),
    ).toThrow();
  });
});
