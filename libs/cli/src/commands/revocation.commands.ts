import { RevocationSubjectKindSchema } from '@tessera/contracts';
import { Argument, type Command, Option } from 'commander';
import type { Revocation, RevocationKind, Status } from '../api/views';
import type { CliContext } from '../cli-context';
import { formatTime } from '../output/format';
import { type Column, renderRecord } from '../output/table';
import {
  definedOnly,
  type ExpiryOptions,
  expiryOf,
  listPages,
  type PagingOptions,
  withExpiry,
  withPaging,
} from './options';
import { STATUSES } from './registration.commands';

export const REVOCATION_KINDS = RevocationSubjectKindSchema.options;

export const revocationColumns: Column<Revocation>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'kind', value: (r) => r.subject.kind },
  { header: 'value', value: (r) => r.subject.value },
  { header: 'reason', value: (r) => r.reason ?? '-' },
  { header: 'status', value: (r) => r.status },
  { header: 'created', value: (r) => formatTime(r.createdAt) },
  { header: 'expires', value: (r) => formatTime(r.expiresAt) },
];

export function renderRevocation(revocation: Revocation): string {
  return renderRecord([
    ['id', revocation.id],
    ['kind', revocation.subject.kind],
    ['value', revocation.subject.value],
    ['reason', revocation.reason ?? '-'],
    ['status', revocation.status],
    ['created', formatTime(revocation.createdAt)],
    ['created by', revocation.createdByKeyId ?? '-'],
    ['expires', formatTime(revocation.expiresAt)],
  ]);
}

export function revocationCommands(program: Command, cli: CliContext): void {
  withExpiry(
    program
      .command('revoke')
      .description('revoke a device, an installation, a registration or one token, everywhere (admin)')
      .addArgument(new Argument('<kind>', 'what to revoke').choices(REVOCATION_KINDS))
      .argument('<value>', 'its id: device id, installation key thumbprint, registration id or token id (jti)')
      .option('--reason <text>', 'why (up to 500 characters)'),
    'the revocation',
  )
    .addHelpText(
      'after',
      '\nExample:\n  tessera revoke device 3f2a9c... --reason "stolen test phone" --expire-after 30d',
    )
    .action(async (kind: RevocationKind, value: string, options: ExpiryOptions & { reason?: string }) => {
      const client = await cli.client();
      const body = definedOnly({ subject: { kind, value }, reason: options.reason, ...expiryOf(options) });
      cli.printer.answer(await client.createRevocation(body), renderRevocation);
    });

  const revocation = program.command('revocation').description('revocations in force, and lifting them');

  withPaging(revocation.command('list').description('list revocations (active ones unless --status says otherwise)'))
    .addOption(new Option('--kind <kind>', 'only this kind').choices(REVOCATION_KINDS))
    .option('--value <value>', 'only this subject value')
    .addOption(new Option('--status <status>', 'active, expired or all').choices(STATUSES))
    .action(async (options: PagingOptions & { kind?: RevocationKind; value?: string; status?: Status }) => {
      const client = await cli.client();
      const filters = { kind: options.kind, value: options.value, status: options.status };
      cli.printer.page(
        await listPages(options, (q) => client.listRevocations(definedOnly({ ...q, ...filters }))),
        revocationColumns,
        'revocations',
      );
    });

  revocation
    .command('show')
    .description('show a revocation')
    .argument('<id>', 'revocation id')
    .action(async (id: string) => {
      const client = await cli.client();
      cli.printer.answer(await client.getRevocation(id), renderRevocation);
    });

  revocation
    .command('lift')
    .description('lift a revocation (admin): what it revoked counts again')
    .argument('<id>', 'revocation id')
    .action(async (id: string) => {
      const client = await cli.client();
      await client.deleteRevocation(id);
      cli.printer.result({ id, lifted: true }, `lifted revocation ${id}`);
    });
}
