import { PIN_MODES, type PinMode } from '@tessera/contracts';
import { type Command, Option } from 'commander';
import type { PinnedPlace, TypedPin } from '../api/pins-requests';
import type { ProtectedDomain } from '../api/pins-views';
import type { CliContext } from '../cli-context';
import { UsageError } from '../errors';
import { formatTime } from '../output/format';
import { type Column, renderRecord } from '../output/table';
import { readOptionalFile } from './input';
import { collect, definedOnly, integerBetween } from './options';
import { describeExpiry, describePin, pinArgument, resolveDomainId } from './pin-options';
import { pinReportCommands } from './pin-report.commands';
import { pinRotationCommands } from './pin-rotation.commands';
import { resolveAppId } from './resolve';

const PLACES: readonly PinnedPlace[] = ['leaf', 'intermediate', 'root'];

export const domainColumns: Column<ProtectedDomain>[] = [
  { header: 'id', value: (d) => d.id },
  { header: 'pattern', value: (d) => d.pattern },
  { header: 'port', value: (d) => String(d.port) },
  { header: 'mode', value: (d) => d.mode },
  { header: 'pins', value: (d) => String(d.pins.length) },
  { header: 'apps', value: (d) => (d.appIds === null ? 'all' : String(d.appIds.length)) },
  { header: 'certificate expiry', value: describeExpiry },
];

export function renderDomain(domain: Omit<ProtectedDomain, 'certificateExpiry'> & Partial<ProtectedDomain>): string {
  const [firstPin, ...otherPins] = domain.pins;
  return renderRecord([
    ['id', domain.id],
    ['pattern', `${domain.pattern}:${domain.port}`],
    ['mode', domain.mode],
    ['apps', domain.appIds === null ? 'all apps of the tenant' : domain.appIds.join(', ')],
    ['pins', firstPin ? describePin(firstPin) : '-'],
    ...otherPins.map((pin) => ['', describePin(pin)] as const),
    ...(domain.certificateExpiry === undefined
      ? []
      : [['certificate expiry', describeExpiry({ certificateExpiry: domain.certificateExpiry })] as const]),
    ['revision', String(domain.revision)],
    ['updated', formatTime(domain.updatedAt)],
  ]);
}

interface AddOptions {
  port?: number;
  mode?: PinMode;
  app?: string[];
  pin?: TypedPin[];
  backupPin?: TypedPin[];
  cert?: string;
  fromHost?: boolean;
  use?: PinnedPlace;
}

/** `tessera pins ...`: protected API domains and their pin sets, rotations, reports, and the config apps ship. */
export function pinsCommands(program: Command, cli: CliContext): void {
  const pins = program
    .command('pins')
    .description('protected API domains, pin sets and their rotations (pins service: needs --pins-endpoint)');

  pins
    .command('add')
    .description('protect a domain: apps pin it to these pins (admin); every set needs a backup pin')
    .argument('<pattern>', 'an exact host (api.example.com) or one wildcard label (*.example.com)')
    .option('--port <port>', 'the port the apps connect to (default 443)', integerBetween(1, 65_535))
    .addOption(
      new Option('--mode <mode>', 'pinned (the default) or managed-trust (the CA intermediates)').choices(PIN_MODES),
    )
    .option('--app <app>', 'only this app enforces it (id or package name; repeatable; default: every app)', collect)
    .option('--pin <pin[:label]>', 'a pin typed in (repeatable)', pinArgument('manual'))
    .option(
      '--backup-pin <pin[:label]>',
      "a backup key's pin, not in the served chain (repeatable)",
      pinArgument('backup'),
    )
    .addOption(new Option('--cert <file>', 'compute the pins from this PEM chain, leaf first').conflicts('fromHost'))
    .option('--from-host', 'compute the pins from the chain the host serves now (a TLS handshake; exact pattern)')
    .addOption(
      new Option(
        '--use <place>',
        'which certificates of the chain to pin (default: leaf; intermediates under managed-trust)',
      ).choices(PLACES),
    )
    .addHelpText(
      'after',
      "\nA pin is the base64 SHA-256 of a certificate's SubjectPublicKeyInfo (RFC 7469), e.g. from\n" +
        '  openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64\n' +
        'Examples:\n' +
        '  tessera pins add api.example.com --from-host --backup-pin "$BACKUP_PIN:offline key, vault 2"\n' +
        '  tessera pins add "*.cdn.example.com" --cert chain.pem --use intermediate --backup-pin "$BACKUP_PIN"',
    )
    .action(async (pattern: string, options: AddOptions) => {
      const typed = [...(options.pin ?? []), ...(options.backupPin ?? [])];
      if (typed.length === 0 && !options.cert && !options.fromHost) {
        throw new UsageError('give the pins: --from-host, --cert <file>, or --pin, with a --backup-pin');
      }
      if (options.use && !options.cert && !options.fromHost) throw new UsageError('--use needs --cert or --from-host');
      const client = await cli.serviceClient('pins');
      const certificatePem = await readOptionalFile(options.cert, 'the certificate chain');
      const appIds = options.app ? await Promise.all(options.app.map((app) => resolveAppId(client, app))) : undefined;
      const body = definedOnly({
        pattern,
        port: options.port,
        mode: options.mode,
        appIds,
        pins: typed.length > 0 ? typed : undefined,
        certificatePem,
        fromHost: options.fromHost,
        use: options.use,
      });
      cli.printer.answer(await client.createDomain(body), renderDomain);
    });

  pins
    .command('list')
    .description("list the tenant's protected domains, with their certificates' expiry")
    .action(async () => {
      const client = await cli.serviceClient('pins');
      cli.printer.list(await client.listDomains(), domainColumns, 'protected domains');
    });

  pins
    .command('show')
    .description('show a protected domain: its pins, their certificates, and the soonest expiry')
    .argument('<domain>', 'domain id, pattern, or pattern:port')
    .action(async (ref: string) => {
      const client = await cli.serviceClient('pins');
      cli.printer.answer(await client.getDomain(await resolveDomainId(client, ref)), renderDomain);
    });

  pins
    .command('remove')
    .description("stop protecting a domain (admin): apps' next configs no longer pin it")
    .argument('<domain>', 'domain id, pattern, or pattern:port')
    .action(async (ref: string) => {
      const client = await cli.serviceClient('pins');
      const id = await resolveDomainId(client, ref);
      await client.deleteDomain(id);
      cli.printer.result({ id, removed: true }, `removed protected domain ${id}`);
    });

  pinRotationCommands(pins, cli);
  pinReportCommands(pins, cli);
}
