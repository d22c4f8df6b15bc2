import type { Command } from 'commander';
import type { AuditEntry } from '../api/views';
import type { CliContext } from '../cli-context';
import { keyIdReference } from '../config/mask-key';
import { UsageError } from '../errors';
import { formatTime } from '../output/format';
import type { Column } from '../output/table';
import { definedOnly, listPages, type PagingOptions, withPaging } from './options';

/** What an entry changed, in a few words: created, deleted, or the fields that differ. */
export function describeChange(entry: AuditEntry): string {
  if (entry.before === null || entry.before === undefined) return 'created';
  if (entry.after === null || entry.after === undefined) return 'deleted';
  if (typeof entry.before !== 'object' || typeof entry.after !== 'object') return 'changed';
  const before = entry.before as Record<string, unknown>;
  const after = entry.after as Record<string, unknown>;
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  );
  return changed.length === 0 ? 'no change' : changed.join(', ');
}

export const auditColumns: Column<AuditEntry>[] = [
  { header: 'at', value: (e) => formatTime(e.at) },
  { header: 'action', value: (e) => e.action },
  { header: 'target', value: (e) => `${e.target.kind} ${e.target.id}` },
  { header: 'actor', value: (e) => e.actor.keyId ?? 'system' },
  { header: 'change', value: describeChange },
];

function actorKeyId(value: string): string {
  const id = keyIdReference(value);
  if (id === undefined) throw new UsageError(`--actor ${value}: expected a key id (16 hex characters)`);
  return id;
}

export function auditCommands(program: Command, cli: CliContext): void {
  withPaging(program.command('audit').description('the audit log of the tenant, newest first (admin)'))
    .option('--from <time>', 'from this ISO-8601 time (inclusive), e.g. 2026-11-01T00:00:00Z')
    .option('--to <time>', 'before this ISO-8601 time')
    .option('--actor <keyId>', 'only what this key did')
    .option('--action <action>', 'only this action, e.g. team.create or registration.expire')
    .addHelpText('after', '\nBefore/after summaries of each change: add --json.')
    .action(async (options: PagingOptions & { from?: string; to?: string; actor?: string; action?: string }) => {
      const actor = options.actor === undefined ? undefined : actorKeyId(options.actor);
      const client = await cli.client();
      const filters = { from: options.from, to: options.to, actor, action: options.action };
      cli.printer.page(
        await listPages(options, (q) => client.audit(definedOnly({ ...q, ...filters }))),
        auditColumns,
        'audit entries',
      );
    });
}
