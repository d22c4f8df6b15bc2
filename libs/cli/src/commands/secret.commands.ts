import type { Command } from 'commander';
import type { SecureString } from '../api/views';
import type { CliContext } from '../cli-context';
import { UsageError } from '../errors';
import { formatTime } from '../output/format';
import { type Column, renderRecord } from '../output/table';
import { readLocalFile, withoutFinalNewline } from './input';
import { listPages, type PagingOptions, requireOne, withPaging } from './options';
import { resolveAppId } from './resolve';

export const secureStringColumns: Column<SecureString>[] = [
  { header: 'name', value: (s) => s.name },
  { header: 'version', value: (s) => String(s.version) },
  { header: 'created', value: (s) => formatTime(s.createdAt) },
  { header: 'updated', value: (s) => formatTime(s.updatedAt) },
];

export function renderSecureString(secret: SecureString): string {
  return renderRecord([
    ['app', secret.appId],
    ['name', secret.name],
    ['version', String(secret.version)],
    ['created', formatTime(secret.createdAt)],
    ['updated', formatTime(secret.updatedAt)],
  ]);
}

interface ValueOptions {
  value?: string;
  valueStdin?: boolean;
  valueFile?: string;
}

/** The value from stdin, a file, or (with a warning: shell history) the command line. */
async function secretValue(cli: CliContext, options: ValueOptions): Promise<string> {
  requireOne(
    { '--value-stdin': options.valueStdin, '--value-file': options.valueFile, '--value': options.value },
    'the secret value',
  );
  let value: string;
  if (options.valueStdin) value = withoutFinalNewline(await cli.io.readStdin());
  else if (options.valueFile !== undefined)
    value = withoutFinalNewline(await readLocalFile(options.valueFile, 'value file'));
  else {
    value = options.value ?? '';
    cli.printer.warn('a value given with --value stays in your shell history; prefer --value-stdin or --value-file');
  }
  if (value === '') throw new UsageError('the secret value is empty');
  return value;
}

export function secretCommands(program: Command, cli: CliContext): void {
  const secret = program
    .command('secret')
    .description("secure strings: an app's named secrets, sealed at rest, delivered only to attested installations");

  withPaging(
    secret
      .command('list')
      .description("list an app's secure strings in name order (names and versions; never values)")
      .argument('<app>', 'app id, package name or bundle id'),
  ).action(async (ref: string, options: PagingOptions) => {
    const client = await cli.client();
    const appId = await resolveAppId(client, ref);
    cli.printer.page(
      await listPages(options, (q) => client.listSecureStrings(appId, q)),
      secureStringColumns,
      'secure strings',
    );
  });

  secret
    .command('set')
    .description('create or replace a secure string (its version goes up)')
    .argument('<app>', 'app id, package name or bundle id')
    .argument('<name>', 'letters, digits, _ . - (starts with a letter; up to 64)')
    .option('--value-stdin', 'read the value from stdin (one final newline is dropped)')
    .option('--value-file <file>', 'read the value from a file (one final newline is dropped)')
    .option('--value <value>', 'the value itself (stays in shell history: avoid)')
    .addHelpText(
      'after',
      '\nExample:\n  printf %s "$MAPS_KEY" | tessera secret set com.example.app maps_api_key --value-stdin',
    )
    .action(async (ref: string, name: string, options: ValueOptions) => {
      const value = await secretValue(cli, options);
      const client = await cli.client();
      const appId = await resolveAppId(client, ref);
      cli.printer.answer(await client.setSecureString(appId, name, value), renderSecureString);
    });

  secret
    .command('remove')
    .description('delete a secure string')
    .argument('<app>', 'app id, package name or bundle id')
    .argument('<name>', 'the secure string name')
    .action(async (ref: string, name: string) => {
      const client = await cli.client();
      const appId = await resolveAppId(client, ref);
      await client.deleteSecureString(appId, name);
      cli.printer.result({ appId, name, removed: true }, `removed secure string ${name} of app ${appId}`);
    });
}
