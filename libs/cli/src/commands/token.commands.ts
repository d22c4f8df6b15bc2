import type { Command } from 'commander';
import type { TokenInspection } from '../api/views';
import type { CliContext } from '../cli-context';
import { ExitStatus, UsageError } from '../errors';
import { ExitCode } from '../exit-codes';
import { flatten, formatTime, formatValue } from '../output/format';
import { renderRecord } from '../output/table';
import { definedOnly } from './options';

/** Claims that are NumericDate (seconds since the epoch): shown with their ISO time too. */
const TIME_CLAIMS: ReadonlySet<string> = new Set(['iat', 'exp', 'nbf']);

function claimValue(name: string, value: unknown): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
    const time = new Date(value * 1000);
    if (!Number.isNaN(time.getTime())) return `${value} (${formatTime(time.toISOString())})`;
  }
  return formatValue(value);
}

/** A JSON object as indented `name: value` lines under a heading; nested values as dotted paths (`ann.tier`). */
function section(heading: string, values: object): string[] {
  const fields = flatten(values).map(([name, value]) => [name, claimValue(name, value)] as const);
  if (fields.length === 0) return [`${heading}: -`];
  return [
    `${heading}:`,
    ...renderRecord(fields)
      .split('\n')
      .map((line) => `  ${line}`),
  ];
}

/**
 * `valid — signed by key <kid> (<state>)` or `invalid: <reason> — <detail>`, then the header and the claims. Those
 * of an invalid token are what it says, unverified, and labelled so.
 */
export function renderInspection(inspection: TokenInspection): string {
  if (inspection.valid) {
    return [
      `valid — signed by key ${inspection.header.kid} (${inspection.keyState})`,
      ...section('header', inspection.header),
      ...section('claims', inspection.claims),
    ].join('\n');
  }
  return [
    `invalid: ${inspection.reason} — ${inspection.detail}`,
    ...(inspection.header ? section('header (unverified)', inspection.header) : []),
    ...(inspection.claims ? section('claims (unverified)', inspection.claims) : []),
  ].join('\n');
}

export function tokenCommands(program: Command, cli: CliContext): void {
  const token = program.command('token').description('Tessera tokens (token service: needs --token-endpoint)');

  token
    .command('check')
    .description('check a token with the token service: valid or why not (exit 8), and what it says')
    .argument('[token]', 'the token; - or nothing: read it from stdin')
    .option('--audience <aud>', "the audience to check (default: the tenant's)")
    .addHelpText(
      'after',
      '\nExits 0 for a valid token, 8 for a token that is not valid (the reason is printed). Examples:\n' +
        '  tessera token check eyJhbGciOiJFUzI1NiIs...\n' +
        '  pbpaste | tessera token check --json',
    )
    .action(async (argument: string | undefined, options: { audience?: string }) => {
      // Before reading stdin: without a token endpoint or key there is nothing to check it with.
      const client = await cli.serviceClient('token');
      const text = argument === undefined || argument === '-' ? await cli.io.readStdin() : argument;
      const value = text.trim();
      if (value === '') {
        throw new UsageError('no token given', ['pass it as the argument, or pipe it in: ... | tessera token check']);
      }
      const inspection = await client.inspectToken(definedOnly({ token: value, audience: options.audience }));
      cli.printer.answer(inspection, renderInspection);
      if (!inspection.valid) throw new ExitStatus(ExitCode.tokenInvalid);
    });
}
