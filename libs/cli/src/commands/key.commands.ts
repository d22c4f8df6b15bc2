import { ROLES } from '@tessera/access';
import { type Command, Option } from 'commander';
import type { ApiKey, CreatedApiKey } from '../api/views';
import type { CliContext } from '../cli-context';
import { keyIdReference } from '../config/mask-key';
import { UsageError } from '../errors';
import { formatTime } from '../output/format';
import { type Column, renderRecord } from '../output/table';
import { definedOnly, listPages, type PagingOptions, withPaging } from './options';
import { resolveTeamId } from './resolve';

export const keyColumns: Column<ApiKey>[] = [
  { header: 'id', value: (k) => k.id },
  { header: 'name', value: (k) => k.name },
  { header: 'role', value: (k) => k.role },
  { header: 'team', value: (k) => k.teamId ?? '-' },
  { header: 'expires', value: (k) => formatTime(k.expiresAt) },
  { header: 'revoked', value: (k) => formatTime(k.revokedAt) },
  { header: 'last used', value: (k) => formatTime(k.lastUsedAt) },
];

export function renderKey(key: ApiKey): string {
  return renderRecord([
    ['id', key.id],
    ['name', key.name],
    ['role', key.role],
    ['team', key.teamId ?? '- (tenant-wide)'],
    ['created', formatTime(key.createdAt)],
    ['expires', formatTime(key.expiresAt)],
    ['revoked', formatTime(key.revokedAt)],
    ['last used', formatTime(key.lastUsedAt)],
  ]);
}

function keyIdArgument(ref: string): string {
  const id = keyIdReference(ref);
  if (id === undefined) throw new UsageError(`not a key id: ${ref} (expected 16 hex characters, as key list shows)`);
  return id;
}

export function keyCommands(program: Command, cli: CliContext): void {
  const key = program.command('key').description('API keys of the tenant (admin)');

  withPaging(key.command('list').description('list API keys (never their secrets)'))
    .option('--team <team>', 'only the keys of this team (id or name)')
    .action(async (options: PagingOptions & { team?: string }) => {
      const client = await cli.client();
      const teamId = options.team === undefined ? undefined : await resolveTeamId(client, options.team);
      cli.printer.page(
        await listPages(options, (q) => client.listKeys(definedOnly({ ...q, teamId }))),
        keyColumns,
        'keys',
      );
    });

  key
    .command('add')
    .description('create an API key; it is printed once, store it at once')
    .argument('<name>', 'what the key is for (1-100 characters)')
    .addOption(
      new Option('--role <role>', 'admin: the whole tenant; developer: one team').choices(ROLES).makeOptionMandatory(),
    )
    .option('--team <team>', "the developer key's team (id or name)")
    .option('--expires-at <time>', 'ISO-8601 time after which the key stops working')
    .action(async (name: string, options: { role: (typeof ROLES)[number]; team?: string; expiresAt?: string }) => {
      const client = await cli.client();
      const teamId = options.team === undefined ? undefined : await resolveTeamId(client, options.team);
      const created = await client.createKey(
        definedOnly({ name, role: options.role, teamId, expiresAt: options.expiresAt }),
      );
      cli.printer.answer(created, (k: CreatedApiKey) => `${renderKey(k)}\n\n${k.key}`);
      cli.printer.warn('store this key now: it is shown only this once and cannot be recovered');
    });

  key
    .command('show')
    .description('show an API key')
    .argument('<keyId>', 'the key id (16 hex characters)')
    .action(async (ref: string) => {
      const client = await cli.client();
      cli.printer.answer(await client.getKey(keyIdArgument(ref)), renderKey);
    });

  key
    .command('revoke')
    .description('revoke an API key for good (revoking a revoked key changes nothing)')
    .argument('<keyId>', 'the key id (16 hex characters)')
    .action(async (ref: string) => {
      const client = await cli.client();
      cli.printer.answer(await client.revokeKey(keyIdArgument(ref)), renderKey);
    });
}
