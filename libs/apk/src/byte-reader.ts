import { refuse, type ApkRefusalCode } from './refusal';

/**
 * Little-endian reader over the length-prefixed records of the APK Signing Block (v2/v3 signers, lineage).
 * Every read is bounds-checked; a short or inconsistent record refuses with the code the caller chose.
 */
export class ByteReader {
  private position = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly faultCode: ApkRefusalCode = 'malformed-signing-block',
  ) {}

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  hasRemaining(): boolean {
    return this.remaining > 0;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const value = this.bytes.readUInt32LE(this.position);
    this.position += 4;
    return value;
  }

  /** uint64 as a safe integer; larger values cannot describe anything inside a file we can read. */
  uint64(): number {
    this.need(8, 'uint64');
    const value = this.bytes.readBigUInt64LE(this.position);
    this.position += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) refuse(this.faultCode, 'Length field out of range');
    return Number(value);
  }

  bytesOf(length: number): Buffer {
    this.need(length, 'field');
    const slice = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return slice;
  }

  /** uint32 length followed by that many bytes. */
  lengthPrefixed(): Buffer {
    return this.bytesOf(this.uint32());
  }

  /** A length-prefixed sequence of length-prefixed elements. */
  sequence(): Buffer[] {
    const inner = new ByteReader(this.lengthPrefixed(), this.faultCode);
    const items: Buffer[] = [];
    while (inner.hasRemaining()) items.push(inner.lengthPrefixed());
    return items;
  }

  private need(length: number, what: string): void {
    if (length < 0 || length > this.remaining) {
      refuse(this.faultCode, `Truncated ${what}: need ${length} bytes, ${this.remaining} left`);
    }
  }
}
