import { ApiError, EndpointUnreachableError, UnexpectedAnswerError } from '../api/api-errors';
import { SERVICE_ENDPOINTS } from '../config/service-endpoints';
import { CliError } from '../errors';
import { ExitCode } from '../exit-codes';

/** What an error becomes: lines for stderr and the exit code. */
export interface ErrorReport {
  lines: string[];
  exitCode: ExitCode;
}

export function reportError(error: unknown): ErrorReport {
  if (error instanceof ApiError) return apiErrorReport(error);
  if (error instanceof EndpointUnreachableError) {
    const settings =
      error.service === 'registration'
        ? '--endpoint, TESSERA_ENDPOINT'
        : `${SERVICE_ENDPOINTS[error.service].option}, ${SERVICE_ENDPOINTS[error.service].environment}`;
    return {
      lines: [`error: ${error.message}`, `  is the ${error.service} service running there? (${settings})`],
      exitCode: error.exitCode,
    };
  }
  if (error instanceof UnexpectedAnswerError) return { lines: [`error: ${error.message}`], exitCode: error.exitCode };
  if (error instanceof CliError) {
    return { lines: [`error: ${error.message}`, ...error.details.map((d) => `  ${d}`)], exitCode: error.exitCode };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { lines: [`error: ${message}`], exitCode: ExitCode.failure };
}

/** What to run to see the thing an error answer names by id. */
const SHOW_COMMANDS: Readonly<Record<string, string>> = {
  revocationId: 'tessera revocation show',
  overrideId: 'tessera device show',
  registrationId: 'tessera registration show',
  policyId: 'tessera policy show',
  appId: 'tessera app show',
};

/** What to do about a refusal that has a way around, by `<status> <method> <path>`. */
const HINTS: Readonly<Record<string, readonly string[]>> = {
  '409 POST /v1/signing-keys/rotate': [
    'to rotate now anyway: tessera signing-key rotate --force (verifiers whose cached JWKS predates the next key',
    'refuse its tokens until they fetch the JWKS again)',
  ],
};

function apiErrorReport(error: ApiError): ErrorReport {
  const reason = error.reason ? `, reason ${error.reason}` : '';
  const lines = [`error: ${error.message} (${error.status}${reason})`];
  for (const problem of error.errors) lines.push(`  - ${problem}`);
  for (const [field, id] of Object.entries(error.ids)) {
    const show = SHOW_COMMANDS[field];
    lines.push(`  ${field}: ${id}${show ? ` (${show} ${id})` : ''}`);
  }
  if (error.status === 401) {
    lines.push('  the API key was refused (unknown, revoked or expired): run `tessera login` with a valid key');
    // The token and pins services learn keys from the registration service's events: a brand-new key is not there yet.
    if (error.service !== 'registration') {
      lines.push(`  (a key created a moment ago reaches the ${error.service} service shortly after)`);
    }
  }
  for (const hint of HINTS[`${error.status} ${error.method} ${error.path}`] ?? []) lines.push(`  ${hint}`);
  if (error.requestId) lines.push(`  request id: ${error.requestId}`);
  return { lines, exitCode: error.exitCode };
}

const API_KEY = /tsk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}/g;

/** Masks anything shaped like an API key: error text can quote input, and a key must never reach a terminal log. */
export function redactKeys(text: string): string {
  return text.replace(API_KEY, 'tsk_$1_****');
}
