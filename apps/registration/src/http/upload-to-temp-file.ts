import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';

/** A request body still to be read: an `IncomingMessage`, or any stream with headers in tests. */
export type UploadStream = Readable & { headers: IncomingHttpHeaders; complete?: boolean };

export interface UploadOptions {
  /** Larger bodies are refused with 413 as soon as they pass this many bytes (or declare more). */
  maxBytes: number;
  /** Where the temp file goes (os.tmpdir() unless configured). */
  directory: string;
  /** File name prefix, e.g. `tessera-apk-`. */
  prefix: string;
}

/**
 * Streams a request body to a new temp file (mode 0600, never held whole in memory), hands its path to `use`, and
 * deletes the file afterwards whatever happened: success, an error in `use`, a body over the limit, a client that
 * went away. The body is copied chunk by chunk with backpressure, so memory stays at one chunk.
 */
export async function withUploadedFile<T>(
  body: UploadStream,
  options: UploadOptions,
  use: (file: string, size: number) => Promise<T>,
): Promise<T> {
  const declared = declaredLength(body.headers['content-length']);
  if (declared !== null && declared > options.maxBytes) throw tooLarge(options.maxBytes);
  const file = path.join(options.directory, `${options.prefix}${randomBytes(12).toString('hex')}`);
  const handle = await open(file, 'wx', 0o600);
  try {
    let size: number;
    try {
      size = await copyWithLimit(body, handle, options.maxBytes);
    } finally {
      await handle.close();
    }
    return await use(file, size);
  } finally {
    await rm(file, { force: true });
  }
}

async function copyWithLimit(body: UploadStream, handle: FileHandle, maxBytes: number): Promise<number> {
  // destroyOnReturn false: stopping early (too large) must not destroy the socket before the 413 is sent.
  const chunks = body.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer | string>;
  let size = 0;
  try {
    for (;;) {
      const next = await chunks.next().catch(() => Promise.reject(interrupted()));
      if (next.done) break;
      const bytes = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      size += bytes.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      for (let written = 0; written < bytes.length;) {
        written += (await handle.write(bytes, written)).bytesWritten;
      }
    }
  } catch (error) {
    // Let the rest flow to nowhere until the connection closes, so the client is not left stuck sending (the
    // iterator's 'readable' listener would hold the stream paused: release it first, without destroying).
    await chunks.return?.();
    body.resume();
    throw error;
  }
  if (body.complete === false) throw interrupted();
  return size;
}

function declaredLength(header: string | undefined): number | null {
  if (header === undefined || !/^\d+$/.test(header)) return null;
  return Number(header);
}

function tooLarge(maxBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException({ statusCode: 413, message: `the upload is larger than ${maxBytes} bytes` });
}

function interrupted(): BadRequestException {
  return new BadRequestException({ statusCode: 400, message: 'the upload was interrupted before its end' });
}
