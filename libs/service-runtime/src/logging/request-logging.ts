import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestContext } from './request-context';

const REQUEST_ID_HEADER = 'x-request-id';
/** A caller-supplied id is kept only when it is short and plain, so it cannot smuggle anything into logs. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const offered = req.headers[REQUEST_ID_HEADER];
  const id = typeof offered === 'string' && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

export interface RequestLoggingOptions {
  /**
   * Path prefixes answered without an access log line (their requests still get an id): a verifier's decision
   * routes answer thousands of times a second, and count every decision in their metrics instead.
   */
  unloggedPaths?: readonly string[];
}

/** Express middleware: a request id (kept from the caller or made), one access log line per request, no secrets. */
export function requestLogging(logger: Logger, options: RequestLoggingOptions = {}) {
  const unloggedPaths = options.unloggedPaths ?? [];
  const http = pinoHttp({
    logger,
    genReqId: assignRequestId,
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    // Probes and scrapes every few seconds would drown everything else.
    autoLogging: { ignore: (req) => req.url === '/metrics' || (req.url?.startsWith('/health') ?? false) },
    serializers: {
      // The path only: a query string may carry a token or a key.
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url.split('?')[0],
      }),
    },
  });
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? '';
    if (unloggedPaths.some((prefix) => url.startsWith(prefix))) {
      requestContext.run({ requestId: assignRequestId(req, res) }, next);
      return;
    }
    http(req, res);
    const requestId = String((req as IncomingMessage & { id: string | number }).id);
    requestContext.run({ requestId }, next);
  };
}
