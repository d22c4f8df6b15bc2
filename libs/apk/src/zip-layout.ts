import type { ApkSource } from './apk-source';
import { refuse } from './refusal';

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_MIN_SIZE = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;

/** Where the ZIP central directory and End of Central Directory record are: the anchors of v2/v3 signing. */
export interface ZipLayout {
  centralDirectoryOffset: number;
  centralDirectorySize: number;
  eocdOffset: number;
  /** The whole EOCD record, comment included. */
  eocd: Buffer;
}

/**
 * Finds the EOCD by scanning back from the end for its signature with a comment length that ends exactly at
 * the end of the file (a signature inside the comment would not). The signing schemes are defined over these
 * offsets, so we read them ourselves rather than trust a ZIP library's internal view.
 */
export async function locateZipLayout(source: ApkSource): Promise<ZipLayout> {
  if (source.size < EOCD_MIN_SIZE) refuse('not-a-zip', 'The file is too small to be a ZIP archive');
  const tailLength = Math.min(source.size, EOCD_MIN_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  for (let at = tail.length - EOCD_MIN_SIZE; at >= 0; at--) {
    if (tail.readUInt32LE(at) !== EOCD_SIGNATURE) continue;
    const commentLength = tail.readUInt16LE(at + 20);
    if (at + EOCD_MIN_SIZE + commentLength !== tail.length) continue;
    const eocdOffset = tailStart + at;
    const centralDirectorySize = tail.readUInt32LE(at + 12);
    const centralDirectoryOffset = tail.readUInt32LE(at + 16);
    if (centralDirectoryOffset === 0xffffffff || centralDirectorySize === 0xffffffff) {
      refuse('not-a-zip', 'ZIP64 archives are not valid APKs');
    }
    if (eocdOffset >= 20 && (await source.read(eocdOffset - 20, 4)).readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE) {
      refuse('not-a-zip', 'ZIP64 archives are not valid APKs');
    }
    if (centralDirectoryOffset + centralDirectorySize !== eocdOffset) {
      // The v2/v3 content digest covers the three sections back to back; anything between them is unsigned.
      refuse('not-a-zip', 'The ZIP central directory is not immediately followed by the End of Central Directory');
    }
    return {
      centralDirectoryOffset,
      centralDirectorySize,
      eocdOffset,
      eocd: Buffer.from(tail.subarray(at)),
    };
  }
  return refuse('not-a-zip', 'No ZIP End of Central Directory record found');
}
