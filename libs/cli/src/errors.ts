import { type ExitCode, ExitCode as Codes } from './exit-codes';

/** An error the CLI explains itself: its message goes to stderr as is, and the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = Codes.failure,
    /** Further lines shown under the message (e.g. what to do next). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad arguments, options or local input, found before anything was sent. */
export class UsageError extends CliError {
  constructor(message: string, details: readonly string[] = []) {
    super(message, Codes.usage, details);
  }
}

/** No API key is configured. */
export class NotLoggedInError extends CliError {
  constructor() {
    super('not logged in: no API key', Codes.notLoggedIn, [
      'run `tessera login --endpoint <url> --key-stdin` (the key is read from stdin), or set TESSERA_API_KEY',
    ]);
  }
}
