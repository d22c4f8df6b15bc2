import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { PLATFORMS, type Platform } from '@tessera/contracts';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Upload } from '../api/admin-api-client';
import type { ApkUploadQuery, CreateRegistrationBody } from '../api/requests';
import type { Registration, Status } from '../api/views';
import type { CliContext } from '../cli-context';
import { UsageError } from '../errors';
import { formatTime } from '../output/format';
import { type Column, renderRecord } from '../output/table';
import {
  collect,
  definedOnly,
  type ExpiryOptions,
  expiryOf,
  integerBetween,
  listPages,
  type PagingOptions,
  withExpiry,
  withPaging,
} from './options';
import { resolveAppId, resolveTeamId } from './resolve';

export const APK_CONTENT_TYPE = 'application/vnd.android.package-archive';
export const STATUSES = ['active', 'expired', 'all'] as const;

/** Which versions a registration covers: `42`, `40-45`, `40-` (and later), or an iOS version / `any`. */
export function describeVersions(registration: Registration): string {
  if (registration.platform === 'ios') return registration.version ?? 'any';
  if (registration.versionCodes === null) return '-';
  const { min, max } = registration.versionCodes;
  const codes = max === null ? `${min}-` : min === max ? `${min}` : `${min}-${max}`;
  return registration.versionName ? `${codes} (${registration.versionName})` : codes;
}

/** The package name, or `<apple team id>.<bundle id>`. */
function identifierOf(registration: Registration): string {
  return registration.platform === 'android'
    ? (registration.packageName ?? '-')
    : `${registration.appleTeamId ?? '?'}.${registration.bundleId ?? '?'}`;
}

export const registrationColumns: Column<Registration>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'app', value: (r) => r.appId },
  { header: 'identifier', value: identifierOf },
  { header: 'versions', value: describeVersions },
  { header: 'source', value: (r) => r.source },
  { header: 'status', value: (r) => r.status },
  { header: 'created', value: (r) => formatTime(r.createdAt) },
  { header: 'expires', value: (r) => formatTime(r.expiresAt) },
];

/** One field per digest, the heading on the first: digests are long and copied whole. */
function digestLines(heading: string, digests: readonly string[] | null): [string, string][] {
  return (digests ?? []).map((digest, i): [string, string] => [i === 0 ? heading : '', digest]);
}

export function renderRegistration(registration: Registration): string {
  const android = registration.platform === 'android';
  return renderRecord([
    ['id', registration.id],
    ['app', registration.appId],
    ['team', registration.teamId],
    ['platform', registration.platform],
    ['identifier', identifierOf(registration)],
    ['versions', describeVersions(registration)],
    ...(android ? digestLines('signer sha256', registration.signingCertificateSha256) : []),
    ...(android ? digestLines('lineage sha256', registration.lineageCertificateSha256) : []),
    ['source', registration.source],
    ['status', registration.status],
    ['created', formatTime(registration.createdAt)],
    ['expires', formatTime(registration.expiresAt)],
  ]);
}

/** `40-45` → {min 40, max 45}; `40-` → {min 40} (every later version too). */
export function parseVersionCodeRange(value: string): { min: number; max?: number } {
  const match = /^(\d+)-(\d*)$/.exec(value.trim());
  if (!match?.[1])
    throw new UsageError(`--version-codes ${value}: expected a range such as 40-45, or 40- for 40 and later`);
  const min = Number(match[1]);
  if (!match[2]) return { min };
  const max = Number(match[2]);
  if (max < min) throw new UsageError(`--version-codes ${value}: the range ends before it starts`);
  return { min, max };
}

/** A SHA-256 as keytool and apksigner print it (`AB:CD:...`, any case) → 64 lowercase hex characters. */
export function certificateDigest(value: string): string {
  const digest = value.replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(digest)) {
    throw new InvalidArgumentError('expected a SHA-256 digest: 64 hex characters (colons allowed)');
  }
  return digest;
}

interface AddRegistrationOptions extends ExpiryOptions {
  app?: string;
  versionCode?: number;
  versionCodes?: string;
  cert?: string[];
  lineageCert?: string[];
  versionName?: string;
  version?: string;
}

/** A registration from fields, but its app: Android (version codes and certificates) or iOS (a version). */
export function registrationFields(options: AddRegistrationOptions): Omit<CreateRegistrationBody, 'appId'> {
  const android =
    options.versionCode !== undefined ||
    options.versionCodes !== undefined ||
    options.cert !== undefined ||
    options.lineageCert !== undefined ||
    options.versionName !== undefined;
  if (android && options.version !== undefined) {
    throw new UsageError(
      '--version is for iOS; an Android build takes --version-code(s), --cert, --lineage-cert and --version-name',
    );
  }
  if (options.versionCode !== undefined && options.versionCodes !== undefined) {
    throw new UsageError('give --version-code or --version-codes, not both');
  }
  if (!android) return definedOnly({ version: options.version, ...expiryOf(options) });
  if (options.cert === undefined)
    throw new UsageError('an Android build needs --cert <sha256> (repeat for each signer)');
  return definedOnly({
    versionCode: options.versionCode,
    versionCodes: options.versionCodes === undefined ? undefined : parseVersionCodeRange(options.versionCodes),
    signingCertificateSha256: options.cert,
    lineageCertificateSha256: options.lineageCert,
    versionName: options.versionName,
    ...expiryOf(options),
  });
}

/** The query of an APK upload; the APK itself says what its fields would. */
export function apkUploadQuery(options: AddRegistrationOptions): Omit<ApkUploadQuery, 'appId'> {
  const fieldOptions = {
    versionCode: '--version-code',
    cert: '--cert',
    lineageCert: '--lineage-cert',
    versionName: '--version-name',
    version: '--version',
  };
  const given = Object.entries(fieldOptions).filter(
    ([name]) => options[name as keyof AddRegistrationOptions] !== undefined,
  );
  if (given.length > 0) {
    throw new UsageError(`${given.map(([, flag]) => flag).join(', ')}: not with an APK, which says these itself`);
  }
  const versionCodes = options.versionCodes;
  if (versionCodes !== undefined && versionCodes !== 'exact' && versionCodes !== 'from') {
    throw new UsageError(`--version-codes with an APK is exact (only its versionCode) or from (it and later ones)`);
  }
  return definedOnly({ versionCodes, ...expiryOf(options) });
}

/** The APK as a stream: opened here, read by fetch as it sends, never held whole in memory. */
export async function apkUpload(file: string): Promise<Upload> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`${file} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return { body, contentType: APK_CONTENT_TYPE, length: size };
}

export function registrationCommands(program: Command, cli: CliContext): void {
  const registration = program
    .command('registration')
    .description('registrations: the genuine builds of an app (from an APK, or from fields)');

  withExpiry(
    registration
      .command('add')
      .description('register a genuine build, from an APK file (read and verified by the service) or from fields')
      .argument('[apk]', 'an APK file; its package, version and signers are read from it')
      .option('--app <app>', 'app id, package name or bundle id (required without an APK)')
      .option('--version-code <n>', 'Android: exactly this versionCode', integerBetween(0, Number.MAX_SAFE_INTEGER))
      .option('--version-codes <range>', 'Android: 40-45, or 40- for 40 and later; with an APK: exact or from')
      .option(
        '--cert <sha256>',
        'Android: SHA-256 of a signing certificate (repeat for each signer)',
        (v, p: string[] | undefined) => collect(certificateDigest(v), p),
      )
      .option(
        '--lineage-cert <sha256>',
        'Android: the v3 rotation lineage, oldest first, ending with the current signer (repeat for each)',
        (v, p: string[] | undefined) => collect(certificateDigest(v), p),
      )
      .option('--version-name <name>', 'Android: the versionName')
      .option('--version <version>', 'iOS: CFBundleShortVersionString (any version when left out)'),
    'the registration',
  )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tessera registration add app-release.apk --expire-after 7d\n' +
        '  tessera registration add --app com.example.app --version-codes 40- --cert AB:CD:...\n' +
        '  tessera registration add --app com.example.ios --version 1.2.3',
    )
    .action(async (file: string | undefined, options: AddRegistrationOptions) => {
      const client = await cli.client();
      if (file !== undefined) {
        const query = apkUploadQuery(options);
        const appId = options.app === undefined ? undefined : await resolveAppId(client, options.app);
        const upload = await apkUpload(file);
        cli.printer.answer(await client.uploadApk(upload, definedOnly({ ...query, appId })), renderRegistration);
        return;
      }
      if (options.app === undefined) throw new UsageError('give an APK file, or --app with the build fields');
      const fields = registrationFields(options);
      const appId = await resolveAppId(client, options.app);
      cli.printer.answer(await client.createRegistration({ appId, ...fields }), renderRegistration);
    });

  withPaging(
    registration.command('list').description('list registrations (active ones unless --status says otherwise)'),
  )
    .option('--app <app>', 'only this app (id, package name or bundle id)')
    .option('--team <team>', 'only this team (id or name)')
    .addOption(new Option('--platform <platform>', 'only this platform').choices(PLATFORMS))
    .addOption(new Option('--status <status>', 'active, expired or all (default: active)').choices(STATUSES))
    .action(async (options: PagingOptions & { app?: string; team?: string; platform?: Platform; status?: Status }) => {
      const client = await cli.client();
      const appId = options.app === undefined ? undefined : await resolveAppId(client, options.app);
      const teamId = options.team === undefined ? undefined : await resolveTeamId(client, options.team);
      const filters = { appId, teamId, platform: options.platform, status: options.status };
      cli.printer.page(
        await listPages(options, (q) => client.listRegistrations(definedOnly({ ...q, ...filters }))),
        registrationColumns,
        'registrations',
      );
    });

  registration
    .command('show')
    .description('show a registration')
    .argument('<id>', 'registration id')
    .action(async (id: string) => {
      const client = await cli.client();
      cli.printer.answer(await client.getRegistration(id), renderRegistration);
    });

  registration
    .command('remove')
    .description('delete a registration: the build stops counting as genuine')
    .argument('<id>', 'registration id')
    .action(async (id: string) => {
      const client = await cli.client();
      await client.deleteRegistration(id);
      cli.printer.result({ id, removed: true }, `removed registration ${id}`);
    });
}
