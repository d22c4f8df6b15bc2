import { Command } from 'commander';
import { CliContext } from './cli-context';
import type { CliIo } from './cli-io';
import { appCommands } from './commands/app.commands';
import { auditCommands } from './commands/audit.commands';
import { authCommands } from './commands/auth.commands';
import { deviceCommands } from './commands/device.commands';
import { keyCommands } from './commands/key.commands';
import { positiveNumber } from './commands/options';
import { pinsCommands } from './commands/pins.commands';
import { policyCommands } from './commands/policy.commands';
import { registrationCommands } from './commands/registration.commands';
import { revocationCommands } from './commands/revocation.commands';
import { secretCommands } from './commands/secret.commands';
import { signingKeyCommands } from './commands/signing-key.commands';
import { teamCommands } from './commands/team.commands';
import { tenantCommands } from './commands/tenant.commands';
import { tokenCommands } from './commands/token.commands';
import { redactKeys } from './output/error-report';

const EXIT_CODES = `
Exit codes: 0 ok, 1 error (API 4xx such as 400/403/422), 2 usage error, 3 not logged in or key refused (401),
4 not found (404), 5 conflict (409), 6 endpoint unreachable or no answer in time, 7 server error (5xx),
8 token not valid (token check).
Configuration: TESSERA_ENDPOINT, TESSERA_TOKEN_ENDPOINT, TESSERA_PINS_ENDPOINT, TESSERA_API_KEY (override the
config file), TESSERA_CONFIG (its path).
Documentation: docs/cli.md`;

/** The whole command tree, for one run; output goes through `io` (never straight to the process). */
export function buildProgram(io: CliIo): Command {
  const program = new Command('tessera')
    .description('Command-line client of the Tessera admin APIs (registration, token and pins services)')
    .option('--endpoint <url>', 'registration service URL (overrides TESSERA_ENDPOINT and the config file)')
    .option(
      '--token-endpoint <url>',
      'token service URL, for token and signing-key (overrides TESSERA_TOKEN_ENDPOINT and the config file)',
    )
    .option(
      '--pins-endpoint <url>',
      'pins service URL, for the pins commands (overrides TESSERA_PINS_ENDPOINT and the config file)',
    )
    .option('--key <key>', 'API key (overrides TESSERA_API_KEY and the config file; stays in shell history)')
    .option('--json', "print the API's JSON answer (one document) instead of tables")
    .option('--timeout <seconds>', 'request timeout (default 30; APK uploads 600)', positiveNumber)
    .addHelpText('after', EXIT_CODES)
    // Settings below are copied to every subcommand made with .command().
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: (text) => {
        io.stderr(redactKeys(text));
      },
    })
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true });
  const cli = new CliContext(io, program);
  authCommands(program, cli);
  tenantCommands(program, cli);
  teamCommands(program, cli);
  keyCommands(program, cli);
  appCommands(program, cli);
  registrationCommands(program, cli);
  policyCommands(program, cli);
  deviceCommands(program, cli);
  secretCommands(program, cli);
  revocationCommands(program, cli);
  auditCommands(program, cli);
  tokenCommands(program, cli);
  signingKeyCommands(program, cli);
  pinsCommands(program, cli);
  return program;
}
