/** What the `tessera` process exits with; documented in docs/cli.md, so scripts can rely on them. */
export const ExitCode = {
  ok: 0,
  /** Anything else, including API 4xx answers without a code of their own (400, 403, 413, 422). */
  failure: 1,
  /** Bad arguments, options or local input (commander's usage errors and our own checks). */
  usage: 2,
  /** No API key configured, or the API refused the key (401). */
  notLoggedIn: 3,
  /** The API answered 404, or a name given for an id matched nothing. */
  notFound: 4,
  /** The API answered 409. */
  conflict: 5,
  /** The endpoint could not be reached, or did not answer in time. */
  unreachable: 6,
  /** The API answered 5xx. */
  serverError: 7,
  /** `token check`: the token service answered, and the token is not valid (its reason is printed). */
  tokenInvalid: 8,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code an HTTP error status stands for. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401) return ExitCode.notLoggedIn;
  if (status === 404) return ExitCode.notFound;
  if (status === 409) return ExitCode.conflict;
  if (status >= 500) return ExitCode.serverError;
  return ExitCode.failure;
}
