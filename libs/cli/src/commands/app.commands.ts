import { PLATFORMS, type Platform } from '@tessera/contracts';
import { type Command, Option } from 'commander';
import type { CreateAppBody } from '../api/requests';
import type { App } from '../api/views';
import type { CliContext } from '../cli-context';
import { UsageError } from '../errors';
import { formatTime } from '../output/format';
import { type Column, renderRecord } from '../output/table';
import { definedOnly, listPages, type PagingOptions, withPaging } from './options';
import { resolveAppId, resolvePolicyId, resolveTeamId } from './resolve';

/** How people name an app: its package name, or `<apple team id>.<bundle id>`. */
export function appIdentifier(app: App): string {
  return app.platform === 'android' ? (app.packageName ?? '-') : `${app.appleTeamId ?? '?'}.${app.bundleId ?? '?'}`;
}

export const appColumns: Column<App>[] = [
  { header: 'id', value: (a) => a.id },
  { header: 'name', value: (a) => a.name },
  { header: 'platform', value: (a) => a.platform },
  { header: 'identifier', value: appIdentifier },
  { header: 'team', value: (a) => a.teamId },
  { header: 'policy', value: (a) => a.policyId ?? 'default' },
];

export function renderApp(app: App): string {
  const identifiers: [string, string][] =
    app.platform === 'android'
      ? [['package', app.packageName ?? '-']]
      : [
          ['apple team id', app.appleTeamId ?? '-'],
          ['bundle id', app.bundleId ?? '-'],
        ];
  return renderRecord([
    ['id', app.id],
    ['name', app.name],
    ['platform', app.platform],
    ...identifiers,
    ['team', app.teamId],
    ['policy', app.policyId ?? 'default (built-in)'],
    ['created', formatTime(app.createdAt)],
    ['updated', formatTime(app.updatedAt)],
  ]);
}

interface AddAppOptions {
  platform: Platform;
  package?: string;
  appleTeamId?: string;
  bundleId?: string;
  team?: string;
}

/** The create body for the platform, refusing identifiers of the other one. */
export function createAppBody(name: string, options: AddAppOptions, teamId: string | undefined): CreateAppBody {
  if (options.platform === 'android') {
    if (options.appleTeamId !== undefined || options.bundleId !== undefined) {
      throw new UsageError('--apple-team-id and --bundle-id are for iOS apps; an Android app takes --package');
    }
    if (options.package === undefined) throw new UsageError('an Android app needs --package <package name>');
    return definedOnly({ name, teamId, platform: 'android', packageName: options.package });
  }
  if (options.package !== undefined)
    throw new UsageError('--package is for Android apps; an iOS app takes --bundle-id');
  if (options.appleTeamId === undefined || options.bundleId === undefined) {
    throw new UsageError('an iOS app needs --apple-team-id <team id> and --bundle-id <bundle id>');
  }
  return definedOnly({
    name,
    teamId,
    platform: 'ios',
    appleTeamId: options.appleTeamId,
    bundleId: options.bundleId,
  });
}

export function appCommands(program: Command, cli: CliContext): void {
  const app = program.command('app').description('apps (one per package name or bundle id) and their policy');
  const appArgument = ['<app>', 'app id, Android package name or iOS bundle id'] as const;

  withPaging(app.command('list').description('list apps (a developer key sees its own team only)'))
    .option('--team <team>', 'only this team (id or name)')
    .addOption(new Option('--platform <platform>', 'only this platform').choices(PLATFORMS))
    .action(async (options: PagingOptions & { team?: string; platform?: Platform }) => {
      const client = await cli.client();
      const teamId = options.team === undefined ? undefined : await resolveTeamId(client, options.team);
      cli.printer.page(
        await listPages(options, (q) => client.listApps(definedOnly({ ...q, teamId, platform: options.platform }))),
        appColumns,
        'apps',
      );
    });

  app
    .command('add')
    .description('create an app')
    .argument('<name>', 'display name (1-100 characters)')
    .addOption(new Option('--platform <platform>', 'android or ios').choices(PLATFORMS).makeOptionMandatory())
    .option('--package <name>', 'Android package name, e.g. com.example.app')
    .option('--apple-team-id <id>', 'iOS: Apple Developer Team ID (10 characters)')
    .option('--bundle-id <id>', 'iOS: bundle identifier, e.g. com.example.app')
    .option('--team <team>', 'owning team, id or name (required for admin keys; a developer key uses its own)')
    .action(async (name: string, options: AddAppOptions) => {
      const client = await cli.client();
      const teamId = options.team === undefined ? undefined : await resolveTeamId(client, options.team);
      cli.printer.answer(await client.createApp(createAppBody(name, options, teamId)), renderApp);
    });

  app
    .command('show')
    .description('show an app')
    .argument(...appArgument)
    .action(async (ref: string) => {
      const client = await cli.client();
      cli.printer.answer(await client.getApp(await resolveAppId(client, ref)), renderApp);
    });

  app
    .command('rename')
    .description('rename an app')
    .argument(...appArgument)
    .argument('<name>', 'the new name')
    .action(async (ref: string, name: string) => {
      const client = await cli.client();
      cli.printer.answer(await client.renameApp(await resolveAppId(client, ref), name), renderApp);
    });

  app
    .command('remove')
    .description('delete an app (refused while it has registrations or secure strings)')
    .argument(...appArgument)
    .action(async (ref: string) => {
      const client = await cli.client();
      const id = await resolveAppId(client, ref);
      await client.deleteApp(id);
      cli.printer.result({ id, removed: true }, `removed app ${id}`);
    });

  app
    .command('set-policy')
    .description("set an app's security policy (admin)")
    .argument(...appArgument)
    .argument('<policy>', 'policy id or name, or `default` for the built-in default')
    .action(async (ref: string, policyRef: string) => {
      const client = await cli.client();
      const appId = await resolveAppId(client, ref);
      const policyId = policyRef === 'default' ? null : await resolvePolicyId(client, policyRef);
      cli.printer.answer(await client.setAppPolicy(appId, policyId), renderApp);
    });
}
