import { randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import http from 'node:http';

const MIB = 2 ** 20;

/**
 * A large APK-shaped file: the fixture's bytes, then `extraMiB` MiB of random bytes (written a MiB at a time). Its
 * zip end record is no longer at the end, so the service must take the whole upload before it can refuse it.
 */
export async function writeLargeApk(file: string, fixture: Uint8Array, extraMiB: number): Promise<number> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.write(fixture);
    const chunk = Buffer.alloc(MIB);
    for (let i = 0; i < extraMiB; i++) await handle.write(randomFillSync(chunk));
  } finally {
    await handle.close();
  }
  return fixture.length + extraMiB * MIB;
}

/** POSTs a file as the raw body, streamed from disk; the answer's status and JSON body. */
export function postFile(
  url: URL,
  file: string,
  size: number,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(size) },
    });
    request.once('error', reject);
    request.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.once('error', reject);
      response.once('end', () => {
        try {
          resolve({
            status: response.statusCode ?? 0,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    createReadStream(file).once('error', reject).pipe(request);
  });
}
