import type { ApkSource } from './apk-source';
import { ByteReader } from './byte-reader';
import { refuse } from './refusal';
import type { ZipLayout } from './zip-layout';

export const APK_SIGNING_BLOCK_MAGIC = Buffer.from('APK Sig Block 42', 'ascii');
export const V2_BLOCK_ID = 0x7109871a;
export const V3_BLOCK_ID = 0xf05368c0;
/** Real signing blocks are kilobytes; this caps what a crafted size field can make us allocate. */
const MAX_SIGNING_BLOCK_BYTES = 32 * 1024 * 1024;
const FOOTER_BYTES = 8 + 16;

export interface ApkSigningBlock {
  /** File offset of the block's first byte: the v2/v3 content digest covers [0, offset). */
  offset: number;
  /** ID-value pairs; only the first value of an ID counts (we refuse repeats of the v2/v3 IDs). */
  pairs: Map<number, Buffer>;
}

/**
 * The APK Signing Block sits right before the central directory:
 * uint64 size, ID-value pairs (uint64 length, uint32 id, value), uint64 size (same), "APK Sig Block 42".
 * Returns null when there is none (magic absent): the APK then has at most a v1 signature.
 */
export async function readApkSigningBlock(source: ApkSource, layout: ZipLayout): Promise<ApkSigningBlock | null> {
  const cdOffset = layout.centralDirectoryOffset;
  if (cdOffset < FOOTER_BYTES + 8) return null;
  const footer = await source.read(cdOffset - FOOTER_BYTES, FOOTER_BYTES);
  if (!footer.subarray(8).equals(APK_SIGNING_BLOCK_MAGIC)) return null;
  return parseApkSigningBlock(footer.readBigUInt64LE(0), cdOffset, (offset, length) => source.read(offset, length));
}

/** Separated from file access so tests can give it a synthetic block. */
export async function parseApkSigningBlock(
  sizeInFooter: bigint,
  cdOffset: number,
  read: (offset: number, length: number) => Promise<Buffer>,
): Promise<ApkSigningBlock> {
  if (sizeInFooter < BigInt(FOOTER_BYTES) || sizeInFooter > BigInt(MAX_SIGNING_BLOCK_BYTES)) {
    refuse('malformed-signing-block', `APK Signing Block size out of range: ${sizeInFooter}`);
  }
  const totalSize = Number(sizeInFooter) + 8;
  const offset = cdOffset - totalSize;
  if (offset < 0) refuse('malformed-signing-block', 'APK Signing Block would start before the file');
  const block = await read(offset, totalSize);
  if (block.readBigUInt64LE(0) !== sizeInFooter) {
    refuse('malformed-signing-block', 'APK Signing Block header and footer sizes differ');
  }
  const reader = new ByteReader(block.subarray(8, totalSize - FOOTER_BYTES));
  const pairs = new Map<number, Buffer>();
  while (reader.hasRemaining()) {
    const length = reader.uint64();
    if (length < 4) refuse('malformed-signing-block', 'APK Signing Block pair shorter than its ID');
    const id = reader.uint32();
    const value = reader.bytesOf(length - 4);
    if (pairs.has(id)) {
      if (id === V2_BLOCK_ID || id === V3_BLOCK_ID) {
        refuse('malformed-signing-block', `Repeated signature block 0x${id.toString(16)}`);
      }
      continue;
    }
    pairs.set(id, value);
  }
  return { offset, pairs };
}
