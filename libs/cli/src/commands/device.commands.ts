import { type Command, Option } from 'commander';
import type { DeviceOverride, Status } from '../api/views';
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
import { resolveAppId } from './resolve';

export const VERDICTS = ['pass', 'fail'] as const;

export const deviceOverrideColumns: Column<DeviceOverride>[] = [
  { header: 'id', value: (o) => o.id },
  { header: 'device', value: (o) => o.deviceId },
  { header: 'verdict', value: (o) => o.verdict },
  { header: 'app', value: (o) => o.appId ?? 'all' },
  { header: 'reason', value: (o) => o.reason ?? '-' },
  { header: 'status', value: (o) => o.status },
  { header: 'expires', value: (o) => formatTime(o.expiresAt) },
];

export function renderDeviceOverride(override: DeviceOverride): string {
  return renderRecord([
    ['id', override.id],
    ['device', override.deviceId],
    ['verdict', override.verdict],
    ['app', override.appId ?? 'all apps of the tenant'],
    ['reason', override.reason ?? '-'],
    ['status', override.status],
    ['created', formatTime(override.createdAt)],
    ['created by', override.createdByKeyId ?? '-'],
    ['expires', formatTime(override.expiresAt)],
  ]);
}

export function deviceCommands(program: Command, cli: CliContext): void {
  const device = program
    .command('device')
    .description('device overrides: a device forced to pass (testers) or fail (blocking)');

  withExpiry(
    device
      .command('override')
      .description('force a device to pass or fail attestation (admin)')
      .argument('<deviceId>', 'the device id the SDK reports')
      .addOption(new Option('--verdict <verdict>', 'pass or fail').choices(VERDICTS).makeOptionMandatory())
      .option('--app <app>', 'only for this app (id, package name or bundle id); default: every app')
      .option('--reason <text>', 'why (up to 500 characters)'),
    'the override',
  ).action(
    async (deviceId: string, options: ExpiryOptions & { verdict: 'pass' | 'fail'; app?: string; reason?: string }) => {
      const client = await cli.client();
      const appId = options.app === undefined ? undefined : await resolveAppId(client, options.app);
      const body = definedOnly({
        deviceId,
        appId,
        verdict: options.verdict,
        reason: options.reason,
        ...expiryOf(options),
      });
      cli.printer.answer(await client.createDeviceOverride(body), renderDeviceOverride);
    },
  );

  withPaging(device.command('list').description('list device overrides (active ones unless --status says otherwise)'))
    .option('--device <deviceId>', 'only this device')
    .option('--app <app>', 'only this app (id, package name or bundle id)')
    .addOption(new Option('--status <status>', 'active, expired or all').choices(STATUSES))
    .action(async (options: PagingOptions & { device?: string; app?: string; status?: Status }) => {
      const client = await cli.client();
      const appId = options.app === undefined ? undefined : await resolveAppId(client, options.app);
      const filters = { deviceId: options.device, appId, status: options.status };
      cli.printer.page(
        await listPages(options, (q) => client.listDeviceOverrides(definedOnly({ ...q, ...filters }))),
        deviceOverrideColumns,
        'device overrides',
      );
    });

  device
    .command('show')
    .description('show a device override')
    .argument('<id>', 'override id')
    .action(async (id: string) => {
      const client = await cli.client();
      cli.printer.answer(await client.getDeviceOverride(id), renderDeviceOverride);
    });

  device
    .command('remove')
    .description('delete a device override (admin)')
    .argument('<id>', 'override id')
    .action(async (id: string) => {
      const client = await cli.client();
      await client.deleteDeviceOverride(id);
      cli.printer.result({ id, removed: true }, `removed device override ${id}`);
    });
}
