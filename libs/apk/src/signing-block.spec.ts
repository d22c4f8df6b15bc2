import { readFileSync } from 'node:fs';
import { BufferApkSource } from './apk-source';
import { ApkRefusal } from './refusal';
import { parseApkSigningBlock, readApkSigningBlock, V2_BLOCK_ID, V3_BLOCK_ID } from './signing-block';
import { locateZipLayout } from './zip-layout';

const FIXTURES = 'libs/apk/test-fixtures';

function pair(id: number, value: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeBigUInt64LE(BigInt(value.length + 4), 0);
  head.writeUInt32LE(id, 8);
  return Buffer.concat([head, value]);
}

/** prefix || block || "central directory", with the block built from the given pairs. */
function fileWithBlock(pairs: Buffer[], footerSizeDelta = 0): { bytes: Buffer; cdOffset: number; blockOffset: number } {
  const body = Buffer.concat(pairs);
  const size = BigInt(body.length + 8 + 16);
  const header = Buffer.alloc(8);
  header.writeBigUInt64LE(size);
  const footer = Buffer.alloc(8);
  footer.writeBigUInt64LE(size + BigInt(footerSizeDelta));
  const prefix = Buffer.from('local entries');
  const block = Buffer.concat([header, body, footer, Buffer.from('APK Sig Block 42')]);
  return {
    bytes: Buffer.concat([prefix, block, Buffer.from('CD')]),
    cdOffset: prefix.length + block.length,
    blockOffset: prefix.length,
  };
}

describe('APK Signing Block', () => {
  it('finds the block right before the central directory and reads its ID-value pairs', async () => {
    const { bytes, cdOffset, blockOffset } = fileWithBlock([
      pair(V2_BLOCK_ID, Buffer.from('v2')),
      pair(0x42726577, Buffer.alloc(3)),
      pair(V3_BLOCK_ID, Buffer.from('v3!')),
    ]);
    const read = (offset: number, length: number): Promise<Buffer> =>
      Promise.resolve(bytes.subarray(offset, offset + length));
    const block = await parseApkSigningBlock(bytes.readBigUInt64LE(cdOffset - 24), cdOffset, read);
    expect(block.offset).toBe(blockOffset);
    expect(block.pairs.get(V2_BLOCK_ID)?.toString()).toBe('v2');
    expect(block.pairs.get(V3_BLOCK_ID)?.toString()).toBe('v3!');
    expect(block.pairs.size).toBe(3);
  });

  it.each([
    ['header and footer sizes differ', [pair(V2_BLOCK_ID, Buffer.from('x'))], 1],
    ['a pair runs past the block', [Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4])], 0],
    ['a repeated v2 block', [pair(V2_BLOCK_ID, Buffer.from('a')), pair(V2_BLOCK_ID, Buffer.from('b'))], 0],
  ])('refuses a block where %s', async (_what, pairs, delta) => {
    const { bytes, cdOffset } = fileWithBlock(pairs, delta);
    const read = (offset: number, length: number): Promise<Buffer> =>
      Promise.resolve(bytes.subarray(offset, offset + length));
    await expect(parseApkSigningBlock(bytes.readBigUInt64LE(cdOffset - 24), cdOffset, read)).rejects.toMatchObject({
      code: 'malformed-signing-block',
    });
    await expect(parseApkSigningBlock(10n, cdOffset, read)).rejects.toBeInstanceOf(ApkRefusal);
  });

  it('locates the v2 and v3 blocks of a real APK, and none in a v1-only one', async () => {
    const signed = new BufferApkSource(readFileSync(`${FIXTURES}/golden-aligned-v1v2v3-out.apk`));
    const block = await readApkSigningBlock(signed, await locateZipLayout(signed));
    expect(block && [...block.pairs.keys()]).toEqual(expect.arrayContaining([V2_BLOCK_ID, V3_BLOCK_ID]));
    expect((await signed.read(block?.offset ?? 0, 8)).readBigUInt64LE()).toBeGreaterThan(0n);

    const v1Only = new BufferApkSource(readFileSync(`${FIXTURES}/golden-aligned-v1-out.apk`));
    expect(await readApkSigningBlock(v1Only, await locateZipLayout(v1Only))).toBeNull();
  });
});
