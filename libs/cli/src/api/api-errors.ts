import { ExitCode, exitCodeForStatus } from '../exit-codes';

/** The services the CLI talks to: the registration service (most commands), the token and the pins service. */
export type Service = 'registration' | 'token' | 'pins';

/** The API answered with an error status; carries what its body said (`message`, `errors[]`, `reason`, ids). */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    message: string,
    /** One line per problem, as a 400 lists them. */
    readonly errors: readonly string[],
    readonly requestId: string | undefined,
    /** A machine-readable reason, as a refused APK upload gives (422). */
    readonly reason: string | undefined,
    /** Ids the answer names, such as the revocation or override in force that a 409 refers to (`revocationId`). */
    readonly ids: Readonly<Record<string, string>> = {},
    /** Which service answered. */
    readonly service: Service = 'registration',
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get exitCode(): ExitCode {
    return exitCodeForStatus(this.status);
  }
}

/** Nothing answered at the endpoint: refused, unknown host, reset, or no answer in time. */
export class EndpointUnreachableError extends Error {
  readonly exitCode = ExitCode.unreachable;

  constructor(
    readonly url: string,
    readonly timedOutAfterMs: number | undefined,
    cause: unknown,
    /** Which service was to answer there. */
    readonly service: Service = 'registration',
  ) {
    super(
      timedOutAfterMs === undefined
        ? `cannot reach ${url}: ${describeNetworkFailure(cause)}`
        : `no answer from ${url} within ${timedOutAfterMs < 1000 ? `${timedOutAfterMs}ms` : `${Math.round(timedOutAfterMs / 1000)}s`}`,
      { cause },
    );
    this.name = 'EndpointUnreachableError';
  }
}

/** The endpoint answered, but not as the admin API does (a redirect, or a body that is not JSON). */
export class UnexpectedAnswerError extends Error {
  readonly exitCode = ExitCode.failure;

  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedAnswerError';
  }
}

/** fetch hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, ...): bring it out. */
function describeNetworkFailure(error: unknown): string {
  let current: unknown = error;
  let described = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return `${code}${current.message ? ` (${current.message})` : ''}`;
    described = current.message || described;
    current = current.cause;
  }
  return described;
}
