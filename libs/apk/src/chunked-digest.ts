import { createHash, type Hash } from 'node:crypto';
import type { ApkSource } from './apk-source';

export type ContentDigestAlgorithm = 'sha256' | 'sha512';

const CHUNK_BYTES = 1024 * 1024;
const CHUNK_PREFIX = 0xa5;
const TOP_LEVEL_PREFIX = 0x5a;

/** A byte range of the signed content: read from the source, or given (the EOCD with its offset patched). */
export type DigestSection = { offset: number; length: number } | { bytes: Buffer };

/**
 * The v2/v3 content digest: each section is cut into 1 MiB chunks; each chunk is hashed as
 * 0xa5 || uint32le(length) || chunk; the result is H(0x5a || uint32le(chunk count) || chunk digests...).
 * Chunks are read one at a time, so memory stays at one chunk however large the APK.
 */
export async function computeChunkedDigests(
  source: ApkSource,
  sections: DigestSection[],
  algorithms: readonly ContentDigestAlgorithm[],
): Promise<Map<ContentDigestAlgorithm, Buffer>> {
  const chunkDigests = new Map<ContentDigestAlgorithm, Buffer[]>(algorithms.map((a) => [a, []]));
  const digestChunk = (chunk: Buffer): void => {
    const prefix = Buffer.alloc(5);
    prefix[0] = CHUNK_PREFIX;
    prefix.writeUInt32LE(chunk.length, 1);
    for (const algorithm of algorithms) {
      chunkDigests.get(algorithm)?.push(createHash(algorithm).update(prefix).update(chunk).digest());
    }
  };
  for (const section of sections) {
    if ('bytes' in section) {
      for (let at = 0; at < section.bytes.length; at += CHUNK_BYTES) {
        digestChunk(section.bytes.subarray(at, Math.min(at + CHUNK_BYTES, section.bytes.length)));
      }
      continue;
    }
    for (let at = 0; at < section.length; at += CHUNK_BYTES) {
      digestChunk(await source.read(section.offset + at, Math.min(CHUNK_BYTES, section.length - at)));
    }
  }
  const result = new Map<ContentDigestAlgorithm, Buffer>();
  for (const algorithm of algorithms) {
    const digests = chunkDigests.get(algorithm) ?? [];
    const top: Hash = createHash(algorithm);
    const header = Buffer.alloc(5);
    header[0] = TOP_LEVEL_PREFIX;
    header.writeUInt32LE(digests.length, 1);
    top.update(header);
    for (const digest of digests) top.update(digest);
    result.set(algorithm, top.digest());
  }
  return result;
}
