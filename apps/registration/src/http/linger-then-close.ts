import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long the rest of a refused upload is read and dropped after the answer, before the connection is closed. */
export const UPLOAD_LINGER_MS = 5_000;

/**
 * For an upload refused before its body was read to the end (too large, wrong type, unknown app): reads and drops
 * the rest, so a client still sending takes in the answer instead of a connection reset (closing a socket with
 * unread data resets it), and closes the connection if the body has not ended `lingerMs` after the answer went
 * out, so nobody can keep it busy. A body that does end in time leaves the connection open for the next request.
 */
export function lingerThenClose(request: IncomingMessage, response: ServerResponse, lingerMs = UPLOAD_LINGER_MS): void {
  request.resume();
  response.once('finish', () => {
    if (request.complete) return;
    const timer = setTimeout(() => request.socket.destroy(), lingerMs).unref();
    request.once('end', () => {
      clearTimeout(timer);
    });
    request.once('close', () => {
      clearTimeout(timer);
    });
  });
}
