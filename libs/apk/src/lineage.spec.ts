import { readFileSync } from 'node:fs';
import { BufferApkSource } from './apk-source';
import { ByteReader } from './byte-reader';
import { PROOF_OF_ROTATION_ATTR_ID, readLineage } from './lineage';
import { ApkRefusal } from './refusal';
import { readApkSigningBlock, V3_BLOCK_ID } from './signing-block';
import { locateZipLayout } from './zip-layout';

function refusalCode(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof ApkRefusal ? error.code : 'not a refusal';
  }
}

/** The raw proof-of-rotation attribute of the rotation vector's v3 signer. */
async function lineageAttribute(): Promise<Buffer> {
  const source = new BufferApkSource(readFileSync('libs/apk/test-fixtures/v1v2v3-with-rsa-2048-lineage-3-signers.apk'));
  const block = await readApkSigningBlock(source, await locateZipLayout(source));
  const signer = new ByteReader(block?.pairs.get(V3_BLOCK_ID) ?? Buffer.alloc(0)).sequence()[0] ?? Buffer.alloc(0);
  const signedData = new ByteReader(new ByteReader(signer).lengthPrefixed());
  signedData.sequence(); // digests
  signedData.sequence(); // certificates
  signedData.uint32(); // minSdk
  signedData.uint32(); // maxSdk
  for (const attribute of signedData.sequence()) {
    if (attribute.readUInt32LE(0) === PROOF_OF_ROTATION_ATTR_ID) return Buffer.from(attribute.subarray(4));
  }
  throw new Error('no lineage attribute in the fixture');
}

describe('v3 proof-of-rotation lineage', () => {
  it('verifies every link and lists the certificates oldest first', async () => {
    expect(readLineage(await lineageAttribute()).map((c) => c.sha256)).toEqual([
      'fb5dbd3c669af9fc236c6991e6387b7f11ff0590997f22d0f5c74ff40e04fca8',
      '681b0e56a796350c08647352a4db800cc44b2adc8f4c72fa350bd05d4d50264d',
      'bb77a72efc60e66501ab75953af735874f82cfe52a70d035186a01b3482180f3',
    ]);
  });

  it('refuses a lineage whose last link signature is altered', async () => {
    const value = await lineageAttribute();
    value[value.length - 1] = (value[value.length - 1] ?? 0) ^ 0x01; // last byte: the newest node's signature
    expect(refusalCode(() => readLineage(value))).toBe('lineage-invalid');
  });

  it('refuses truncated lineages and unknown versions', async () => {
    const value = await lineageAttribute();
    expect(refusalCode(() => readLineage(value.subarray(0, value.length - 5)))).toBe('lineage-invalid');
    const otherVersion = Buffer.from(value);
    otherVersion.writeUInt32LE(2, 0);
    expect(refusalCode(() => readLineage(otherVersion))).toBe('lineage-invalid');
  });
});
