import type { Command } from 'commander';
import type { TypedPin } from '../api/pins-requests';
import type { EmergencyReplacement, PinRotation, RetiredRotation } from '../api/pins-views';
import type { CliContext } from '../cli-context';
import { UsageError } from '../errors';
import { formatTime } from '../output/format';
import { type Column, renderRecord } from '../output/table';
import { readOptionalFile } from './input';
import { definedOnly, describeSeconds, isoTime } from './options';
import { barePin, pinArgument, resolveDomainId } from './pin-options';
import { renderDomain } from './pins.commands';

export const rotationColumns: Column<PinRotation>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'state', value: (r) => r.state },
  { header: 'new pins', value: (r) => r.newPins.map((p) => p.pin).join(' ') },
  { header: 'retires', value: (r) => r.retirePins.join(' ') },
  { header: 'published', value: (r) => formatTime(r.publishedAt) },
  { header: 'retire from', value: (r) => formatTime(r.retireAllowedAt) },
];

export function renderRotation(rotation: PinRotation): string {
  return renderRecord([
    ['id', rotation.id],
    ['domain', rotation.domainId],
    ['state', rotation.emergency ? `${rotation.state} (emergency replace)` : rotation.state],
    ['new pins', rotation.newPins.map((p) => (p.label ? `${p.pin} "${p.label}"` : p.pin)).join(', ')],
    ['retires', rotation.retirePins.join(', ')],
    ['starts', formatTime(rotation.startsAt)],
    ['published', formatTime(rotation.publishedAt)],
    ['config lifetime', describeSeconds(rotation.maxConfigLifetimeSeconds)],
    ['retire from', formatTime(rotation.retireAllowedAt)],
    ['retired', formatTime(rotation.retiredAt)],
    ['cancelled', formatTime(rotation.cancelledAt)],
  ]);
}

function renderRetired(answer: RetiredRotation): string {
  return `${renderRotation(answer.rotation)}\n\nthe domain now:\n${renderDomain(answer.domain)}`;
}

/** What to do next, on stderr: the order the service enforces, so nobody has to remember it. */
function nextStep(rotation: PinRotation): string | undefined {
  switch (rotation.state) {
    case 'scheduled':
    case 'due':
      return `the new pins are published at ${formatTime(rotation.startsAt)}; then every app needs time to fetch them`;
    case 'waiting':
      return `apps are fetching the new pins: from ${formatTime(rotation.retireAllowedAt)} switch the server's certificate, then tessera pins retire ${rotation.id}`;
    case 'ready-to-switch':
    case 'switched':
      return `every app could have the new pins: switch the server's certificate, then tessera pins retire ${rotation.id}`;
    case 'retired':
    case 'cancelled':
      return undefined;
  }
}

export function pinRotationCommands(pins: Command, cli: CliContext): void {
  pins
    .command('rotate')
    .description('plan a rotation (admin): publish new pins now or --at a time, retire old ones after the wait')
    .argument('<domain>', 'domain id, pattern, or pattern:port')
    .requiredOption('--new-pin <pin[:label]>', 'a pin to add (repeatable)', pinArgument(undefined))
    .requiredOption('--retire <pin>', 'a pin to retire once every app has the new ones (repeatable)', barePin)
    .option('--at <time>', 'publish at this ISO-8601 time (default: now)', isoTime)
    .addHelpText(
      'after',
      "\nThe order is the service's to enforce: new pins published -> every app can fetch them (the longest\n" +
        'config lifetime) -> the server switches certificates -> tessera pins retire <rotation>. Example:\n' +
        '  tessera pins rotate api.example.com --new-pin "$NEW_PIN:2027 key" --retire "$OLD_PIN"',
    )
    .action(async (ref: string, options: { newPin: TypedPin[]; retire: string[]; at?: string }) => {
      const client = await cli.serviceClient('pins');
      const domainId = await resolveDomainId(client, ref);
      const newPins = options.newPin.map(({ pin, label }) => definedOnly({ pin, label }));
      const rotation = await client.planRotation(
        domainId,
        definedOnly({ newPins, retirePins: options.retire, at: options.at }),
      );
      cli.printer.answer(rotation, renderRotation);
      const next = nextStep(rotation);
      if (next) cli.printer.note(next);
    });

  pins
    .command('rotations')
    .description("list a domain's rotations and their states")
    .argument('<domain>', 'domain id, pattern, or pattern:port')
    .action(async (ref: string) => {
      const client = await cli.serviceClient('pins');
      cli.printer.list(await client.listRotations(await resolveDomainId(client, ref)), rotationColumns, 'rotations');
    });

  pins
    .command('rotation')
    .description('show a rotation: its state, and when its old pins may be retired')
    .argument('<rotation>', 'rotation id')
    .action(async (id: string) => {
      const client = await cli.serviceClient('pins');
      const rotation = await client.getRotation(id);
      cli.printer.answer(rotation, renderRotation);
      const next = nextStep(rotation);
      if (next) cli.printer.note(next);
    });

  pins
    .command('retire')
    .description("retire a rotation's old pins (admin): refused before the wait, or if the host would not match")
    .argument('<rotation>', 'rotation id')
    .option('--served-chain <file>', 'the PEM chain the host serves (default: the service reads it from the host)')
    .action(async (id: string, options: { servedChain?: string }) => {
      const client = await cli.serviceClient('pins');
      const servedChainPem = await readOptionalFile(options.servedChain, 'the served chain');
      cli.printer.answer(await client.retireRotation(id, definedOnly({ servedChainPem })), renderRetired);
    });

  pins
    .command('cancel')
    .description('cancel a rotation (admin); published new pins stay in the set')
    .argument('<rotation>', 'rotation id')
    .action(async (id: string) => {
      const client = await cli.serviceClient('pins');
      cli.printer.answer(await client.cancelRotation(id), renderRotation);
    });

  pins
    .command('emergency-replace')
    .description("replace a domain's whole pin set at once, for a compromised key (admin; audited)")
    .argument('<domain>', 'domain id, pattern, or pattern:port')
    .option('--pin <pin[:label]>', 'a pin of the new set (repeatable)', pinArgument('manual'))
    .option(
      '--backup-pin <pin[:label]>',
      'a backup pin of the new set (repeatable; one is needed)',
      pinArgument('backup'),
    )
    .option('--compromised', 'confirm: a key is compromised, so skip the wait and the served-chain checks')
    .option('--reason <text>', 'why (kept in the audit log; up to 500 characters)')
    .option('--served-chain <file>', 'the PEM chain the host serves, to be warned of what the checks would refuse')
    .addHelpText(
      'after',
      '\nApps that have not fetched the new set yet refuse the host until they do: use it only when the\n' +
        'old key must stop being trusted now. Example:\n' +
        '  tessera pins emergency-replace api.example.com --pin "$NEW_PIN" --backup-pin "$BACKUP_PIN" \\\n' +
        '    --compromised --reason "private key leaked in incident 4711"',
    )
    .action(
      async (
        ref: string,
        options: {
          pin?: TypedPin[];
          backupPin?: TypedPin[];
          compromised?: boolean;
          reason?: string;
          servedChain?: string;
        },
      ) => {
        if (!options.compromised) {
          throw new UsageError('an emergency replace skips the safe rotation: confirm with --compromised', [
            'for a planned change, use tessera pins rotate',
          ]);
        }
        const reason = options.reason?.trim();
        if (!reason) throw new UsageError('say why with --reason <text>: it goes into the audit log');
        const pinSet = [...(options.pin ?? []), ...(options.backupPin ?? [])];
        if (pinSet.length === 0) throw new UsageError('give the new set: --pin and --backup-pin');
        const client = await cli.serviceClient('pins');
        const domainId = await resolveDomainId(client, ref);
        const servedChainPem = await readOptionalFile(options.servedChain, 'the served chain');
        const answer: EmergencyReplacement = await client.emergencyReplace(
          domainId,
          definedOnly({ pins: pinSet, compromised: true as const, reason, servedChainPem }),
        );
        cli.printer.answer(answer, renderRetired);
        for (const warning of answer.warnings) cli.printer.warn(warning);
      },
    );
}
