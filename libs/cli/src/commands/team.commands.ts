import type { Command } from 'commander';
import type { Team } from '../api/views';
import type { CliContext } from '../cli-context';
import { UsageError } from '../errors';
import { formatTime } from '../output/format';
import { type Column, renderRecord } from '../output/table';
import { definedOnly, listPages, type PagingOptions, withPaging } from './options';
import { resolveTeamId } from './resolve';

export const teamColumns: Column<Team>[] = [
  { header: 'id', value: (t) => t.id },
  { header: 'name', value: (t) => t.name },
  { header: 'description', value: (t) => t.description || '-' },
  { header: 'created', value: (t) => formatTime(t.createdAt) },
];

export function renderTeam(team: Team): string {
  return renderRecord([
    ['id', team.id],
    ['name', team.name],
    ['description', team.description || '-'],
    ['created', formatTime(team.createdAt)],
    ['updated', formatTime(team.updatedAt)],
  ]);
}

export function teamCommands(program: Command, cli: CliContext): void {
  const team = program
    .command('team')
    .description('teams of the tenant (a team owns apps; developer keys belong to one)');

  withPaging(team.command('list').description('list teams (a developer key sees its own team)')).action(
    async (options: PagingOptions) => {
      const client = await cli.client();
      cli.printer.page(await listPages(options, (q) => client.listTeams(q)), teamColumns, 'teams');
    },
  );

  team
    .command('add')
    .description('create a team (admin)')
    .argument('<name>', 'unique in the tenant (1-100 characters)')
    .option('--description <text>', 'what the team does (up to 500 characters)')
    .action(async (name: string, options: { description?: string }) => {
      const client = await cli.client();
      cli.printer.answer(await client.createTeam(definedOnly({ name, description: options.description })), renderTeam);
    });

  team
    .command('show')
    .description('show a team')
    .argument('<team>', 'team id or name')
    .action(async (ref: string) => {
      const client = await cli.client();
      cli.printer.answer(await client.getTeam(await resolveTeamId(client, ref)), renderTeam);
    });

  team
    .command('rename')
    .description('rename a team and/or change its description (admin)')
    .argument('<team>', 'team id or name')
    .argument('[name]', 'the new name')
    .option('--description <text>', 'the new description')
    .action(async (ref: string, name: string | undefined, options: { description?: string }) => {
      if (name === undefined && options.description === undefined) {
        throw new UsageError('give a new name, --description, or both');
      }
      const client = await cli.client();
      const id = await resolveTeamId(client, ref);
      cli.printer.answer(
        await client.updateTeam(id, definedOnly({ name, description: options.description })),
        renderTeam,
      );
    });

  team
    .command('remove')
    .description('delete a team (admin; refused while any of its keys is not revoked)')
    .argument('<team>', 'team id or name')
    .action(async (ref: string) => {
      const client = await cli.client();
      const id = await resolveTeamId(client, ref);
      await client.deleteTeam(id);
      cli.printer.result({ id, removed: true }, `removed team ${id}`);
    });
}
