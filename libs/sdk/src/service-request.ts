import type { z } from 'zod';
import { type AttestationStep, TesseraError } from './errors';
import { describeIssues } from './issues';

export interface ServiceConnection {
  /** Without a trailing slash. */
  baseUrl: string;
  fetch: typeof fetch;
  requestTimeoutMs: number;
  now: () => number;
}

const MAX_MESSAGE_LENGTH = 200;

/**
 * `POST {baseUrl}/v1/{step}` with a JSON body, the answer checked against its contract. Every failure is a
 * TesseraError: `network`, `timeout` (no complete answer within requestTimeoutMs, body included), `http` (with the
 * status, the service's message, reason and request id when its error body has them, and Retry-After), or
 * `bad-response`.
 */
export async function postToService<Schema extends z.ZodType>(
  connection: ServiceConnection,
  step: AttestationStep,
  body: unknown,
  schema: Schema,
): Promise<z.output<Schema>> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A fetch that ignores the abort signal cannot outlast the timeout either: the race settles without it.
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TesseraError('timeout', `${step}: no answer within ${connection.requestTimeoutMs} ms`, { step }));
    }, connection.requestTimeoutMs);
  });
  let status: number;
  let text: string;
  let retryAfter: string | null;
  try {
    const response = await Promise.race([
      connection.fetch(`${connection.baseUrl}/v1/${step}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
      }),
      timeout,
    ]).catch((cause: unknown) => {
      if (cause instanceof TesseraError) throw cause;
      throw new TesseraError('network', `${step}: the request failed: ${describe(cause)}`, { step, cause });
    });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    text = await Promise.race([response.text(), timeout]).catch((cause: unknown) => {
      if (cause instanceof TesseraError) throw cause;
      throw new TesseraError('network', `${step}: the answer broke off: ${describe(cause)}`, { step, cause });
    });
  } finally {
    clearTimeout(timer);
  }

  if (status < 200 || status > 299) throw httpError(connection, step, status, text, retryAfter);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TesseraError('bad-response', `${step}: the service answered ${status} with a body that is not JSON`, {
      step,
      status,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new TesseraError(
      'bad-response',
      `${step}: the answer does not fit the contract: ${describeIssues(parsed.error)}`,
      {
        step,
        status,
      },
    );
  }
  return parsed.data;
}

function httpError(
  connection: ServiceConnection,
  step: AttestationStep,
  status: number,
  text: string,
  retryAfter: string | null,
): TesseraError {
  const body = errorBody(text);
  const said = body.message === undefined ? '' : `: ${body.message}`;
  return new TesseraError('http', `${step}: the service answered ${status}${said}`, {
    step,
    status,
    reason: body.reason,
    requestId: body.requestId,
    retryAfterMs: retryAfterMs(retryAfter, connection.now()),
  });
}

/** The service's error body (`{ statusCode, message, reason?, requestId }`), as far as it is one. */
function errorBody(text: string): { message?: string; reason?: string; requestId?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof json !== 'object' || json === null) return {};
  const { message, reason, requestId } = json as Record<string, unknown>;
  const short = (value: unknown) =>
    typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_MESSAGE_LENGTH) : undefined;
  return { message: short(message), reason: short(reason), requestId: short(requestId) };
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms from now; undefined when absent or bad. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only the IMF-fixdate form: Date.parse alone would take almost anything for a date.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function describe(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const { name, message } = cause as { name?: unknown; message?: unknown };
  return [name, message].filter((part) => typeof part === 'string' && part.length > 0).join(': ') || 'unknown error';
}
