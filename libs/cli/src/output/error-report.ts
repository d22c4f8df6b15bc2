import { ApiError, EndpointUnreachableError, UnexpectedAnswerError } from '../api/api-errors';
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
    return {
      lines: [`error: ${error.message}`, '  is the registration service running there? (--endpoint, TESSERA_ENDPOINT)'],
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
  }
  if (error.requestId) lines.push(`  request id: ${error.requestId}`);
  return { lines, exitCode: error.exitCode };
}

const API_KEY = /tsk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}/g;

/** Masks anything shaped like an API key: error text can quote input, and a key must never reach a terminal log. */
export function redactKeys(text: string): string {
  return text.replace(API_KEY, 'tsk_$1_****');
}
