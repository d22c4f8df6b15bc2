import type { IncomingMessage, ServerResponse } from 'node:http';
import { protect, type ProtectionOptions, type TesseraIdentity } from './protection';

export type TesseraRequest = IncomingMessage & { tessera?: TesseraIdentity };

/**
 * Express (or any connect-style) middleware: `app.use('/api', tesseraMiddleware({verifier, mode: 'enforce'}))`.
 * An accepted request carries `req.tessera` (tenant and claims); a refused one gets 401 `{statusCode, reason}` in
 * enforce mode, and goes on without `req.tessera` in monitor mode.
 */
export function tesseraMiddleware(options: ProtectionOptions) {
  return (request: TesseraRequest, response: ServerResponse, next: (error?: unknown) => void): void => {
    protect(request.headers, options).then(
      (outcome) => {
        if (outcome.identity) request.tessera = outcome.identity;
        if (outcome.allowed) {
          next();
          return;
        }
        const reason = outcome.decision.accepted ? 'ok' : outcome.decision.reason;
        response.statusCode = 401;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ statusCode: 401, reason }));
      },
      (error: unknown) => {
        next(error);
      },
    );
  };
}
