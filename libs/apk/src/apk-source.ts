import { open, type FileHandle } from 'node:fs/promises';
import { ApkRefusal } from './refusal';

/**
 * Random-access bytes of an APK. Verification reads the ZIP directory, the signing block and each entry by
 * offset, so a large upload is read from its temp file piece by piece and is never held whole in memory.
 */
export interface ApkSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset`; rejects when the range is outside the source. */
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new ApkRefusal('not-a-zip', `Invalid read range ${offset}+${length}`);
  }
  if (offset + length > size) {
    throw new ApkRefusal('not-a-zip', `Read past the end of the file (${offset}+${length} > ${size})`);
  }
}

export class FileApkSource implements ApkSource {
  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileApkSource> {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new ApkRefusal('io-error', 'Not a regular file');
      return new FileApkSource(handle, stat.size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(this.size, offset, length);
    const buffer = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await this.handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) throw new ApkRefusal('io-error', 'The file shrank while it was being read');
      filled += bytesRead;
    }
    return buffer;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** For bytes already in memory (tests, small uploads). */
export class BufferApkSource implements ApkSource {
  constructor(private readonly bytes: Buffer) {}

  get size(): number {
    return this.bytes.length;
  }

  read(offset: number, length: number): Promise<Buffer> {
    checkRange(this.size, offset, length);
    return Promise.resolve(this.bytes.subarray(offset, offset + length));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
