import { createHash } from 'node:crypto';
import { BufferApkSource } from './apk-source';
import { computeChunkedDigests } from './chunked-digest';

const MiB = 1024 * 1024;

/** The published definition, written out independently of the streaming implementation. */
function referenceDigest(algorithm: 'sha256' | 'sha512', sections: Buffer[]): Buffer {
  const chunkDigests: Buffer[] = [];
  for (const section of sections) {
    for (let at = 0; at < section.length; at += MiB) {
      const chunk = section.subarray(at, at + MiB);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(chunk.length);
      chunkDigests.push(
        createHash(algorithm)
          .update(Buffer.concat([Buffer.from([0xa5]), length, chunk]))
          .digest(),
      );
    }
  }
  const count = Buffer.alloc(4);
  count.writeUInt32LE(chunkDigests.length);
  return createHash(algorithm)
    .update(Buffer.concat([Buffer.from([0x5a]), count, ...chunkDigests]))
    .digest();
}

describe('chunked content digest', () => {
  // Section 1 spans two chunks (1 MiB + 10 bytes), so chunk boundaries are exercised.
  const file = Buffer.alloc(MiB + 10 + 300);
  for (let i = 0; i < file.length; i++) file[i] = (i * 31 + 7) & 0xff;
  const entries = file.subarray(0, MiB + 10);
  const centralDirectory = file.subarray(MiB + 10, MiB + 10 + 278);
  const eocd = Buffer.from('patched end of central directory');

  it.each(['sha256', 'sha512'] as const)('matches the definition for %s', async (algorithm) => {
    const digests = await computeChunkedDigests(
      new BufferApkSource(file),
      [{ offset: 0, length: entries.length }, { offset: MiB + 10, length: centralDirectory.length }, { bytes: eocd }],
      [algorithm],
    );
    expect(digests.get(algorithm)?.toString('hex')).toBe(
      referenceDigest(algorithm, [entries, centralDirectory, eocd]).toString('hex'),
    );
  });

  it('changes when one byte changes', async () => {
    const source = new BufferApkSource(Buffer.from('abcdef'));
    const one = await computeChunkedDigests(source, [{ offset: 0, length: 6 }], ['sha256']);
    const other = await computeChunkedDigests(
      source,
      [{ offset: 0, length: 5 }, { bytes: Buffer.from('g') }],
      ['sha256'],
    );
    expect(one.get('sha256')).toEqual(referenceDigest('sha256', [Buffer.from('abcdef')]));
    expect(one.get('sha256')).not.toEqual(other.get('sha256'));
  });
});
