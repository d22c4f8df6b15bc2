import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { readApkIdentity } from '@tessera/apk';
import { type Build, Topics } from '@tessera/contracts';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import type { EntityManager } from 'typeorm';
import { findVisibleApp, visibleTeam } from '../apps/app-lookup';
import { APP_COLUMNS, type AppView } from '../apps/app.view';
import { expiryStatusCondition } from '../expiry/expiry-status';
import type { ExpiryInput } from '../http/duration';
import { type UploadStream, withUploadedFile } from '../http/upload-to-temp-file';
import type { Page } from '../persistence/page';
import { RegistryStore } from '../persistence/registry-store';
import { pageOf, returned } from '../persistence/sql';
import type { RegistrationConfig } from '../registration.config';
import { apkBuild, type ApkUploadRefusalCode } from './apk-build';
import { publishRegistration, registrationKey } from './publish-registration';
import {
  REGISTRATION_COLUMNS,
  type RegistrationRow,
  type RegistrationSource,
  type RegistrationView,
  registrationSummary,
  registrationView,
} from './registration.view';
import {
  ANDROID_ONLY_FIELDS,
  type ApkUploadInput,
  type CreateRegistrationInput,
  IOS_ONLY_FIELDS,
  type ListRegistrationsInput,
} from './registrations.schemas';

/** Registrations (genuine builds) of the caller's apps; developers see and change only their own team's. */
@Injectable()
export class RegistrationsService {
  constructor(
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(SERVICE_CONFIG) private readonly config: RegistrationConfig,
  ) {}

  async list(principal: Principal, query: ListRegistrationsInput): Promise<Page<RegistrationView>> {
    const rows = await this.store.dataSource.query<RegistrationRow[]>(
      `SELECT ${REGISTRATION_COLUMNS} FROM ${this.store.table('registration')}
       WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid) AND ($3::uuid IS NULL OR team_id = $3::uuid)
         AND ($4::uuid IS NULL OR team_id = $4::uuid) AND ($5::uuid IS NULL OR app_id = $5::uuid)
         AND ($6::text IS NULL OR platform = $6)
         AND ${expiryStatusCondition('$7')}
       ORDER BY id LIMIT $8`,
      [
        principal.tenantId,
        query.cursor ?? null,
        visibleTeam(principal),
        query.teamId ?? null,
        query.appId ?? null,
        query.platform ?? null,
        query.status,
        query.limit + 1,
      ],
    );
    return pageOf(rows.map(registrationView), query.limit);
  }

  get(principal: Principal, registrationId: string): Promise<RegistrationView> {
    return this.findVisible(this.store.dataSource.manager, principal, registrationId, false);
  }

  /** A registration from typed fields; the package name or bundle id is the app's. */
  async createFromFields(principal: Principal, input: CreateRegistrationInput): Promise<RegistrationView> {
    return this.store.transaction(async (tx) => {
      const app = await findVisibleApp(tx, this.store.schema, principal, input.appId, 'share');
      return this.insert(tx, principal, app, buildFromFields(app, input), 'fields', input);
    });
  }

  /**
   * A registration from an uploaded APK, streamed to a temp file (deleted once read) and verified; the build is
   * what its manifest and verified signatures say. Without `appId`, the caller's Android app with the APK's
   * package is the one.
   */
  async createFromApk(principal: Principal, query: ApkUploadInput, body: UploadStream): Promise<RegistrationView> {
    // What can be refused without the upload is refused before a byte of it is read.
    if (query.appId)
      requireAndroid(await findVisibleApp(this.store.dataSource.manager, this.store.schema, principal, query.appId));
    const identity = await withUploadedFile(
      body,
      {
        maxBytes: this.config.REGISTRATION_APK_MAX_BYTES,
        directory: this.config.REGISTRATION_UPLOAD_DIR,
        prefix: 'tessera-apk-',
      },
      (file, size) => {
        if (size === 0) throw new BadRequestException('expected the APK as the request body');
        return readApkIdentity(file);
      },
    );
    if (!identity.ok) throw unprocessable(identity.reason, identity.message);
    const result = apkBuild(identity, query.versionCodes);
    if (!result.ok) throw unprocessable(result.reason, result.message);
    const build = result.build;
    return this.store.transaction(async (tx) => {
      const app = query.appId
        ? requireAndroid(await findVisibleApp(tx, this.store.schema, principal, query.appId, 'share'))
        : await this.appWithPackage(tx, principal, build.packageName);
      if (app.packageName !== build.packageName) {
        throw unprocessable(
          'package-mismatch',
          `the APK is ${build.packageName}, but the app's package name is ${app.packageName ?? ''}`,
        );
      }
      return this.insert(tx, principal, app, build, 'apk', query);
    });
  }

  async delete(principal: Principal, registrationId: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const before = await this.findVisible(tx, principal, registrationId, true);
      await this.store.deleteTenantRow(tx, 'registration', principal.tenantId, registrationId);
      await this.store.publishRemoval(tx, principal, {
        topic: Topics.registry,
        key: registrationKey(principal.tenantId, before),
        action: 'registration.delete',
        target: { kind: 'registration', id: registrationId },
        before: registrationSummary(before),
      });
    });
  }

  private async insert(
    tx: EntityManager,
    principal: Principal,
    app: AppView,
    build: Build,
    source: RegistrationSource,
    expiry: ExpiryInput,
  ): Promise<RegistrationView> {
    const android = build.platform === 'android' ? build : null;
    const ios = build.platform === 'ios' ? build : null;
    const registration = registrationView(
      returned(
        await tx.query<RegistrationRow[]>(
          `INSERT INTO ${this.store.table('registration')} (id, tenant_id, app_id, team_id, platform, package_name,
             version_code_min, version_code_max, signing_certificate_sha256, lineage_certificate_sha256, version_name,
             apple_team_id, bundle_id, version, source, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
             COALESCE($16::timestamptz, now() + $17::bigint * interval '1 millisecond'))
           RETURNING ${REGISTRATION_COLUMNS}`,
          [
            randomUUID(),
            principal.tenantId,
            app.id,
            app.teamId,
            build.platform,
            android?.packageName ?? null,
            android?.versionCodes.min ?? null,
            android?.versionCodes.max ?? null,
            android?.signingCertificateSha256 ?? null,
            android?.lineageCertificateSha256 ?? null,
            android?.versionName ?? null,
            ios?.appleTeamId ?? null,
            ios?.bundleId ?? null,
            ios?.version ?? null,
            source,
            expiry.expiresAt ?? null,
            expiry.expireAfter ?? null,
          ],
        ),
      ),
    );
    await publishRegistration(tx, this.store.outbox, principal.tenantId, registration);
    await this.store.audit(tx, principal, {
      action: 'registration.create',
      target: { kind: 'registration', id: registration.id },
      before: null,
      after: registrationSummary(registration),
    });
    return registration;
  }

  /** The registration, if the principal may see it (developers: their team's); otherwise 404. */
  private async findVisible(
    tx: EntityManager,
    principal: Principal,
    registrationId: string,
    forUpdate: boolean,
  ): Promise<RegistrationView> {
    const rows = await tx.query<RegistrationRow[]>(
      `SELECT ${REGISTRATION_COLUMNS} FROM ${this.store.table('registration')}
       WHERE tenant_id = $1 AND id = $2 AND ($3::uuid IS NULL OR team_id = $3::uuid) ${forUpdate ? 'FOR UPDATE' : ''}`,
      [principal.tenantId, registrationId, visibleTeam(principal)],
    );
    if (!rows[0]) throw new NotFoundException('no such registration');
    return registrationView(rows[0]);
  }

  /** The caller's Android app with this package name: one per tenant at most, and only if the caller sees it. */
  private async appWithPackage(tx: EntityManager, principal: Principal, packageName: string): Promise<AppView> {
    const rows = await tx.query<AppView[]>(
      `SELECT ${APP_COLUMNS} FROM ${this.store.table('app')}
       WHERE tenant_id = $1 AND platform = 'android' AND package_name = $2 AND ($3::uuid IS NULL OR team_id = $3::uuid)
       FOR SHARE`,
      [principal.tenantId, packageName, visibleTeam(principal)],
    );
    if (!rows[0]) throw new NotFoundException(`no app with package ${packageName}: create it first (tessera app add)`);
    return rows[0];
  }
}

/** The build typed fields describe for this app; fields of the other platform, or a missing digest list, are 400. */
function buildFromFields(app: AppView, input: CreateRegistrationInput): Build {
  const [otherPlatform, otherFields] =
    app.platform === 'android' ? (['ios', IOS_ONLY_FIELDS] as const) : (['android', ANDROID_ONLY_FIELDS] as const);
  const problems = otherFields
    .filter((field) => input[field] !== undefined)
    .map((field) => `${field}: only for ${otherPlatform} apps (this app is ${app.platform})`);
  if (app.platform === 'android' && input.signingCertificateSha256 === undefined) {
    problems.push('signingCertificateSha256: required for an android app');
  }
  if (problems.length > 0)
    throw new BadRequestException({ statusCode: 400, message: 'invalid body', errors: problems });
  if (app.platform === 'ios') {
    return {
      platform: 'ios',
      appleTeamId: app.appleTeamId ?? '',
      bundleId: app.bundleId ?? '',
      version: input.version ?? null,
    };
  }
  const versionCodes =
    input.versionCode !== undefined
      ? { min: input.versionCode, max: input.versionCode }
      : input.versionCodes
        ? { min: input.versionCodes.min, max: input.versionCodes.max ?? null }
        : { min: 0, max: null };
  return {
    platform: 'android',
    packageName: app.packageName ?? '',
    versionCodes,
    signingCertificateSha256: input.signingCertificateSha256 ?? [],
    lineageCertificateSha256: input.lineageCertificateSha256 ?? [],
    versionName: input.versionName ?? null,
  };
}

function requireAndroid(app: AppView): AppView {
  if (app.platform === 'android') return app;
  throw new BadRequestException({
    statusCode: 400,
    message: 'invalid query',
    errors: [`appId: an APK registers a build of an android app (this app is ${app.platform})`],
  });
}

function unprocessable(reason: ApkUploadRefusalCode, message: string): UnprocessableEntityException {
  return new UnprocessableEntityException({ statusCode: 422, message, reason });
}
