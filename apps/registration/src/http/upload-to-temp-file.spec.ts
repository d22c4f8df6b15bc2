import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { type UploadStream, withUploadedFile } from './upload-to-temp-file';

describe('withUploadedFile', () => {
  let directory: string;
  const options = () => ({ maxBytes: 1000, directory, prefix: 'tessera-test-' });

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'tessera-upload-spec-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  const body = (chunks: Buffer[], headers: Record<string, string> = {}): UploadStream =>
    Object.assign(Readable.from(chunks), { headers });

  const counted = () => {
    const use = {
      calls: 0,
      call: () => {
        use.calls++;
        return Promise.resolve();
      },
    };
    return use;
  };

  it('streams the body to a private temp file, hands over its path and size, and deletes it afterwards', async () => {
    const chunks = [Buffer.alloc(400, 1), Buffer.alloc(600, 2)];
    let seen: { file: string; size: number; mode: number; content: Buffer } | undefined;
    const answer = await withUploadedFile(body(chunks), options(), (file, size) => {
      seen = { file, size, mode: statSync(file).mode & 0o777, content: readFileSync(file) };
      return Promise.resolve('done');
    });
    expect(answer).toBe('done');
    expect(seen?.size).toBe(1000);
    expect(seen?.mode).toBe(0o600);
    expect(seen?.content.equals(Buffer.concat(chunks))).toBe(true);
    expect(path.basename(seen?.file ?? '')).toMatch(/^tessera-test-[0-9a-f]{24}$/);
    expect(path.dirname(seen?.file ?? '')).toBe(directory);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('refuses a declared Content-Length over the limit before reading anything or creating a file', async () => {
    const stream = body([Buffer.alloc(10)], { 'content-length': '1001' });
    const use = counted();
    await expect(withUploadedFile(stream, options(), use.call)).rejects.toBeInstanceOf(PayloadTooLargeException);
    expect(use.calls).toBe(0);
    expect(stream.readableEnded).toBe(false);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('refuses a body that passes the limit as soon as it does, deletes the partial file, leaves the stream open', async () => {
    const stream = Object.assign(new PassThrough(), { headers: {} });
    stream.write(Buffer.alloc(600));
    stream.write(Buffer.alloc(600)); // past the limit; the writer has not ended the body
    const use = counted();
    const error = await withUploadedFile(stream, options(), use.call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeException);
    expect((error as PayloadTooLargeException).getResponse()).toEqual({
      statusCode: 413,
      message: 'the upload is larger than 1000 bytes',
    });
    expect(use.calls).toBe(0);
    expect(readdirSync(directory)).toEqual([]);
    // Still readable (the 413 must reach the client), and drained rather than left to back up.
    expect(stream.destroyed).toBe(false);
    expect(stream.readableFlowing).toBe(true);
    stream.end();
  });

  it('deletes the file when the client goes away mid-upload, answering 400', async () => {
    let reads = 0;
    const stream = Object.assign(
      new Readable({
        read() {
          // One chunk, then the connection resets (as an IncomingMessage does when its client goes away).
          if (reads++ === 0) this.push(Buffer.alloc(100));
          else this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
        },
      }),
      { headers: {} },
    );
    const use = counted();
    await expect(withUploadedFile(stream, options(), use.call)).rejects.toBeInstanceOf(BadRequestException);
    expect(use.calls).toBe(0);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('treats a body that ended without completing (a closed connection) as interrupted', async () => {
    const stream = Object.assign(Readable.from([Buffer.alloc(10)]), { headers: {}, complete: false });
    await expect(withUploadedFile(stream, options(), () => Promise.resolve())).rejects.toThrow(
      'the upload was interrupted before its end',
    );
    expect(readdirSync(directory)).toEqual([]);
  });

  it('deletes the file when the consumer fails, and passes its error on', async () => {
    const failure = new Error('consumer failed');
    await expect(withUploadedFile(body([Buffer.alloc(10)]), options(), () => Promise.reject(failure))).rejects.toBe(
      failure,
    );
    expect(readdirSync(directory)).toEqual([]);
  });
});
