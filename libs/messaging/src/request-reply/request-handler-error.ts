import type { ReplyError } from '@tessera/contracts';

/**
 * Thrown by a request handler to answer with an error code the requester can act on (`unavailable`: no signing key
 * yet). Anything else a handler throws is answered `internal`, without its message (which may hold details).
 */
export class RequestHandlerError extends Error {
  constructor(
    readonly code: ReplyError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'RequestHandlerError';
  }
}
