import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { verifyPinConfig } from '@tessera/pins/portable';
import type { Command } from 'commander';
import type { PinViolation } from '../api/pins-views';
import type { CliContext } from '../cli-context';
import { CliError } from '../errors';
import { formatTime } from '../output/format';
import type { Column } from '../output/table';
import { definedOnly, isoTime, listPages, type PagingOptions, withPaging } from './options';
import { resolveAppId } from './resolve';

/** The files `pins export --initial --out <dir>` writes, which the SDK's PinConfigStore.fromInitialConfig reads. */
export const INITIAL_CONFIG_FILE = 'pins-config.jws';
export const PINS_KEYS_FILE = 'pins-jwks.json';

export const pinViolationColumns: Column<PinViolation>[] = [
  { header: 'received', value: (r) => formatTime(r.receivedAt) },
  { header: 'app', value: (r) => r.appId },
  { header: 'host', value: (r) => `${r.hostname}:${r.port}` },
  { header: 'pattern', value: (r) => r.pattern },
  { header: 'identity', value: (r) => r.identity },
  { header: 'served leaf', value: (r) => r.servedChain[0]?.certificate.subject ?? '-' },
  { header: 'config', value: (r) => String(r.configVersion) },
];

export function pinReportCommands(pins: Command, cli: CliContext): void {
  withPaging(
    pins
      .command('reports')
      .description("pin-violation reports from apps (a host served a chain without the config's pins), newest first"),
  )
    .option('--domain <pattern>', 'only reports for this pattern or host name')
    .option('--app <app>', 'only reports of this app (id or package name)')
    .option('--since <time>', 'only reports received since this ISO-8601 time', isoTime)
    .action(async (options: PagingOptions & { domain?: string; app?: string; since?: string }) => {
      const client = await cli.serviceClient('pins');
      const appId = options.app ? await resolveAppId(client, options.app) : undefined;
      const filters = { domain: options.domain, appId, since: options.since };
      cli.printer.page(
        await listPages(options, (q) => client.listPinReports(definedOnly({ ...q, ...filters }))),
        pinViolationColumns,
        'pin-violation reports',
      );
    });

  pins
    .command('export')
    .description('write the pin config and pins JWKS an app ships, signed by the pins service')
    .requiredOption('--initial <app>', 'the app (id or package name)')
    .option('--out <dir>', `write ${INITIAL_CONFIG_FILE} and ${PINS_KEYS_FILE} there (default: print the JSON answer)`)
    .addHelpText(
      'after',
      '\nThe config is verified with the keys before anything is written: a build never ships one that the SDK\n' +
        "would refuse. Example (an Android app's assets):\n" +
        '  tessera pins export --initial com.example.app --out app/src/main/assets/tessera',
    )
    .action(async (options: { initial: string; out?: string }) => {
      const client = await cli.serviceClient('pins');
      // The pins service does not know apps: the registration service says whether this one exists.
      const app = await client.getApp(await resolveAppId(client, options.initial));
      const [exported, { id: tenant }] = await Promise.all([client.initialPinConfig(app.id), client.currentTenant()]);
      if (exported.tenant !== tenant || exported.appId !== app.id) {
        throw new CliError(
          `the pins service answered a config for ${exported.tenant}/${exported.appId}, not ${tenant}/${app.id}`,
          undefined,
          ['nothing was written; is --pins-endpoint the pins service of this tenant?'],
        );
      }
      const verification = await verifyPinConfig(exported.config, {
        keys: exported.keys,
        tenant,
        appId: app.id,
        acceptExpired: true,
      });
      if (!verification.ok) {
        throw new CliError(
          `the pins service answered a config that does not verify (${verification.reason})`,
          undefined,
          [verification.detail, 'nothing was written; is --pins-endpoint the pins service?'],
        );
      }
      const { config } = verification;
      if (!options.out) {
        cli.printer.result(exported, JSON.stringify(exported, null, 2));
        return;
      }
      const configFile = path.resolve(options.out, INITIAL_CONFIG_FILE);
      const keysFile = path.resolve(options.out, PINS_KEYS_FILE);
      try {
        await mkdir(path.resolve(options.out), { recursive: true });
        // Each file written beside and renamed over, so a build never picks up half of one.
        await writeWhole(keysFile, `${JSON.stringify(exported.keys, null, 2)}\n`);
        await writeWhole(configFile, `${exported.config}\n`);
      } catch (error) {
        throw new CliError(`cannot write to ${options.out}: ${(error as Error).message}`);
      }
      const domains = config.domains.map((domain) => domain.pattern);
      cli.printer.result(
        {
          appId: app.id,
          version: config.version,
          expiresAt: new Date(config.exp * 1000).toISOString(),
          configFile,
          keysFile,
          domains,
        },
        [
          `wrote the initial pin config of ${app.name} (version ${config.version}, ${domains.length === 1 ? '1 domain' : `${domains.length} domains`}) to ${configFile}`,
          `wrote the pins JWKS to ${keysFile}`,
        ].join('\n'),
      );
    });
}

async function writeWhole(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
