import { KeyIdSchema, type PublicJwk, SIGNING_ALGORITHMS, type SigningAlgorithm } from '@tessera/contracts';
import { type Command, Option } from 'commander';
import type { SigningKey, SigningKeyList, SigningSettings } from '../api/views';
import type { CliContext } from '../cli-context';
import { UsageError } from '../errors';
import { formatTime } from '../output/format';
import { type Column, renderRecord, renderTable } from '../output/table';
import { definedOnly, describeSeconds, durationSeconds } from './options';

export const signingKeyColumns: Column<SigningKey>[] = [
  { header: 'kid', value: (k) => k.kid },
  { header: 'alg', value: (k) => k.alg },
  { header: 'state', value: (k) => k.state },
  { header: 'created', value: (k) => formatTime(k.createdAt) },
  { header: 'activated', value: (k) => formatTime(k.activatedAt) },
  { header: 'retires', value: (k) => formatTime(k.retiresAt) },
  { header: 'revoked', value: (k) => formatTime(k.revokedAt) },
];

/** A public JWK as `public key` lines: its type, then one coordinate per line (they are long). */
function publicKeyFields(jwk: PublicJwk | null): [string, string][] {
  if (jwk === null) return [['public key', '- (HS256: a shared secret, see `tessera signing-key secret`)']];
  const coordinates: [string, string][] = [['', `x: ${jwk.x}`]];
  if (jwk.kty === 'EC') coordinates.push(['', `y: ${jwk.y}`]);
  return [['public key', `${jwk.kty} ${jwk.crv}`], ...coordinates];
}

export function renderSigningKey(key: SigningKey): string {
  return renderRecord([
    ['kid', key.kid],
    ['algorithm', key.alg],
    ['state', key.state],
    ...publicKeyFields(key.publicJwk),
    ['created', formatTime(key.createdAt)],
    ['activated', formatTime(key.activatedAt)],
    ['deactivated', formatTime(key.deactivatedAt)],
    ['retires', formatTime(key.retiresAt)],
    ['revoked', formatTime(key.revokedAt)],
    ['reason', key.revocationReason ?? '-'],
  ]);
}

function renderSettings(settings: SigningSettings): string {
  return renderRecord([
    ['tenant', settings.tenantId],
    ['algorithm', settings.algorithm],
    ['rotation period', `${describeSeconds(settings.rotationPeriodSeconds)} (${settings.rotationPeriodSeconds} s)`],
    ['audience', settings.audience],
    ['issuer', settings.issuer],
    ['jwks', settings.jwksUri],
  ]);
}

function renderRotation(rotated: SigningKeyList): string {
  const active = rotated.items.find((key) => key.state === 'active');
  const summary = active ? `rotated: key ${active.kid} signs from now` : 'rotated';
  return `${summary}\n${renderTable(rotated.items, signingKeyColumns)}`;
}

/** A kid as the API takes it (8-64 base64url characters); anything else is refused before it is sent. */
function kidArgument(value: string): string {
  if (!KeyIdSchema.safeParse(value).success) {
    throw new UsageError(`not a key id: ${value} (expected 8-64 base64url characters, as signing-key list shows)`);
  }
  return value;
}

interface SettingsOptions {
  algorithm?: SigningAlgorithm;
  rotationPeriod?: number;
  audience?: string;
}

export function signingKeyCommands(program: Command, cli: CliContext): void {
  const signingKey = program
    .command('signing-key')
    .description("the tenant's token signing keys and signing settings (token service: needs --token-endpoint)");

  signingKey
    .command('list')
    .description('list the signing keys, newest first')
    .action(async () => {
      const client = await cli.serviceClient('token');
      cli.printer.list(await client.listSigningKeys(), signingKeyColumns, 'signing keys');
    });

  signingKey
    .command('show')
    .description('show a signing key and its public key')
    .argument('<kid>', 'the key id (as signing-key list shows it)')
    .action(async (kid: string) => {
      const client = await cli.serviceClient('token');
      cli.printer.answer(await client.getSigningKey(kidArgument(kid)), renderSigningKey);
    });

  signingKey
    .command('rotate')
    .description('sign with the next key from now on (admin); refused while it is newer than the publish lead')
    .option('--force', 'rotate even though the next key was published only just now')
    .addHelpText(
      'after',
      '\nThe next key is published (in the JWKS) ahead of signing, so that verifiers have it before its first token.\n' +
        'Until it has been published for the publish lead (an hour by default) rotate is refused (exit 5) with the\n' +
        'time it becomes possible; --force rotates anyway.',
    )
    .action(async (options: { force?: boolean }) => {
      const client = await cli.serviceClient('token');
      const rotated = await client.rotateSigningKeys(options.force ? { force: true } : {});
      cli.printer.answer(rotated, renderRotation);
      if (options.force) {
        cli.printer.warn(
          'forced: verifiers whose cached JWKS predates the new key refuse its tokens until they fetch the JWKS again',
        );
      }
    });

  signingKey
    .command('revoke')
    .description('revoke a signing key at once (admin): every token it signed is refused, everywhere')
    .argument('<kid>', 'the key id')
    .addOption(
      new Option(
        '--reason <text>',
        'why (1-500 characters; kept with the key and in the audit log)',
      ).makeOptionMandatory(),
    )
    .addHelpText(
      'after',
      '\nExample:\n  tessera signing-key revoke Xq3fK0d2mB9sLw1c --reason "private key found in a log"',
    )
    .action(async (kid: string, options: { reason: string }) => {
      const reason = options.reason.trim();
      if (reason === '') throw new UsageError('--reason must say why the key is revoked');
      const client = await cli.serviceClient('token');
      cli.printer.answer(await client.revokeSigningKey(kidArgument(kid), { reason }), renderSigningKey);
      cli.printer.note(
        `tokens signed by ${kid} are refused from now on; a revoked active key hands over to the next one (signing-key list)`,
      );
    });

  signingKey
    .command('secret')
    .description("print an HS256 key's shared secret, alone, for piping (admin; audited)")
    .argument('<kid>', 'the key id of an HS256 key')
    .addHelpText(
      'after',
      '\nExample:\n  tessera signing-key secret Xq3fK0d2mB9sLw1c | vault kv put secret/tessera-hs256 value=-',
    )
    .action(async (kid: string) => {
      const client = await cli.serviceClient('token');
      const secret = await client.signingKeySecret(kidArgument(kid));
      // The secret alone on stdout, so it pipes straight into a secret store.
      cli.printer.answer(secret, (answer) => answer.secret);
      cli.printer.warn(
        `this is the shared secret of ${secret.kid} (base64url): whoever holds it can make tokens your API servers accept; keep it in a secret store`,
      );
    });

  const settings = signingKey
    .command('settings')
    .description("the tenant's signing settings: algorithm, rotation period, audience");

  settings
    .command('show', { isDefault: true })
    .description('show the signing settings and the JWKS URL (the default)')
    .action(async () => {
      const client = await cli.serviceClient('token');
      cli.printer.answer(await client.signingSettings(), (answer) => renderSettings(answer));
    });

  settings
    .command('set')
    .description('change the signing settings (admin)')
    .addOption(new Option('--algorithm <alg>', 'what new keys sign with').choices(SIGNING_ALGORITHMS))
    .option(
      '--rotation-period <duration>',
      'how long a key signs before the next takes over: 12h, 1d, 7d or seconds (1h to 365d)',
      durationSeconds,
    )
    .option('--audience <aud>', 'the aud claim of the tenant tokens (1-256 characters)')
    .addHelpText('after', '\nExample:\n  tessera signing-key settings set --algorithm EdDSA --rotation-period 7d')
    .action(async (options: SettingsOptions) => {
      const change = definedOnly({
        algorithm: options.algorithm,
        rotationPeriodSeconds: options.rotationPeriod,
        audience: options.audience,
      });
      if (Object.keys(change).length === 0) {
        throw new UsageError('nothing to change: give --algorithm, --rotation-period or --audience');
      }
      const client = await cli.serviceClient('token');
      const updated = await client.updateSigningSettings(change);
      cli.printer.answer(updated, (answer) => renderSettings(answer));
      if (options.algorithm !== undefined) {
        cli.printer.note(
          `new keys are ${options.algorithm}: a next key of another algorithm is replaced, and the new one signs from the next rotation`,
        );
      }
      if (options.algorithm === 'HS256') {
        cli.printer.warn(
          'HS256 is a compatibility mode: API servers verify with a shared secret (tessera signing-key secret <kid>), not the JWKS',
        );
      }
    });
}
