import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { ApkSource } from './apk-source';
import { ApkRefusal, refuse } from './refusal';

/** Upper bound on entries read whole into memory (manifests, .SF, PKCS#7): real ones are kilobytes. */
export const MAX_BUFFERED_ENTRY_BYTES = 16 * 1024 * 1024;
const MAX_ENTRIES = 200_000;
const READ_PIECE = 64 * 1024;

/** Lets yauzl read through an ApkSource (a temp file, a buffer, ...) instead of opening a path itself. */
class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly source: ApkSource) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const source = this.source;
    let position = start;
    return new Readable({
      read() {
        if (position >= end) {
          this.push(null);
          return;
        }
        const length = Math.min(READ_PIECE, end - position);
        source.read(position, length).then(
          (piece) => {
            position += length;
            this.push(piece);
          },
          (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
  }
}

export interface ZipEntry {
  readonly name: string;
  readonly isDirectory: boolean;
  readonly uncompressedSize: number;
}

/** The entries of an APK, by name, with streaming access to their uncompressed content (via yauzl). */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entriesByName: Map<string, yauzl.Entry>,
  ) {}

  static async open(source: ApkSource, expectedEntryCount: number): Promise<ZipArchive> {
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.fromRandomAccessReaderPromise(new SourceReader(source), source.size, {
        lazyEntries: true,
        autoClose: false,
        decodeStrings: true,
        validateEntrySizes: true,
        strictFileNames: false,
      });
    } catch (error) {
      return refuse('not-a-zip', `Not a readable ZIP archive: ${describe(error)}`);
    }
    if (zip.entryCount !== expectedEntryCount) {
      zip.close();
      refuse('not-a-zip', 'The ZIP reader and the End of Central Directory disagree on the entry count');
    }
    if (zip.entryCount > MAX_ENTRIES) {
      zip.close();
      refuse('not-a-zip', `Too many ZIP entries (${zip.entryCount})`);
    }
    try {
      const entries = await readAllEntries(zip);
      return new ZipArchive(zip, entries);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  get entries(): ZipEntry[] {
    return [...this.entriesByName.values()].map((entry) => ({
      name: entry.fileName,
      isDirectory: entry.fileName.endsWith('/'),
      uncompressedSize: entry.uncompressedSize,
    }));
  }

  has(name: string): boolean {
    return this.entriesByName.has(name);
  }

  /** Feeds the uncompressed content to `consume` piece by piece (for digests of arbitrarily large entries). */
  async stream(name: string, consume: (piece: Buffer) => void): Promise<void> {
    const entry = this.entriesByName.get(name);
    if (!entry) return refuse('not-a-zip', `No ZIP entry ${name}`);
    try {
      const stream = await this.zip.openReadStreamPromise(entry);
      for await (const piece of stream as AsyncIterable<Buffer>) consume(piece);
    } catch (error) {
      if (error instanceof ApkRefusal) throw error;
      refuse('not-a-zip', `Cannot read ZIP entry ${name}: ${describe(error)}`);
    }
  }

  /** The whole uncompressed content of a small entry. */
  async readWhole(name: string): Promise<Buffer> {
    const entry = this.entriesByName.get(name);
    if (!entry) return refuse('not-a-zip', `No ZIP entry ${name}`);
    if (entry.uncompressedSize > MAX_BUFFERED_ENTRY_BYTES) {
      refuse('entry-too-large', `${name} is ${entry.uncompressedSize} bytes, more than this reader accepts`);
    }
    const pieces: Buffer[] = [];
    await this.stream(name, (piece) => pieces.push(piece));
    return Buffer.concat(pieces);
  }

  close(): void {
    this.zip.close();
  }
}

function readAllEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const byName = new Map<string, yauzl.Entry>();
    zip.on('entry', (entry: yauzl.Entry) => {
      // Two entries with one name let a verifier and an installer look at different bytes: refuse outright.
      if (byName.has(entry.fileName)) {
        reject(new ApkRefusal('duplicate-entry', `Duplicate ZIP entry ${entry.fileName}`));
        return;
      }
      byName.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', () => {
      resolve(byName);
    });
    zip.on('error', (error: unknown) => {
      reject(new ApkRefusal('not-a-zip', `Bad ZIP directory: ${describe(error)}`));
    });
    zip.readEntry();
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
