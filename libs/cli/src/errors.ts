import { type EndpointService, SERVICE_ENDPOINTS } from './config/service-endpoints';
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

/** A command of the token or pins service, and no URL for it anywhere (there is no default). */
export class NoServiceEndpointError extends UsageError {
  constructor(readonly service: EndpointService) {
    const { option, environment, example, commands } = SERVICE_ENDPOINTS[service];
    super(`no ${service} service endpoint is set (${commands} talk to the ${service} service)`, [
      `set it once: printf %s "$KEY" | tessera login ${option} <url> --key-stdin  (e.g. ${example})`,
      `or for this shell: export ${environment}=<url>; or for one command: ${option} <url>`,
    ]);
  }
}

/**
 * Not a failure: the command printed its whole answer, and its exit code is part of it (an invalid token exits 8
 * so a script can tell). runCli exits with the code and prints nothing more.
 */
export class ExitStatus extends Error {
  constructor(readonly exitCode: ExitCode) {
    super(`exit ${exitCode}`);
    this.name = 'ExitStatus';
  }
}
