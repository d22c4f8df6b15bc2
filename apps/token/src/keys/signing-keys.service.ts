import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { SigningAlgorithm } from '@tessera/contracts';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { planRevocation, planRotation, planScheduledChanges, tenantIssuer } from '@tessera/tokens';
import { type Actor, TokenStore } from '../persistence/token-store';
import type { TokenConfig } from '../token.config';
import { SigningKeyRepository } from './signing-key.repository';
import { type SigningKeyRecord, type SigningKeyView, signingKeyView } from './signing-key.record';
import { keyScheduleOf, type SigningSettings } from './signing-settings';
import { SignerCache } from './signer-cache';

/** A tenant's settings as the admin API shows them: with its tokens' issuer and its JWKS URL. */
export type SigningSettingsView = SigningSettings & { issuer: string; jwksUri: string };

/** What an admin may change of a tenant's signing. */
export interface SigningSettingsChange {
  algorithm?: SigningAlgorithm | undefined;
  rotationPeriodSeconds?: number | undefined;
  audience?: string | undefined;
}

/**
 * The use cases of signing keys: a tenant's keys brought up to its schedule, manual rotation, emergency revocation,
 * settings. Each runs in one transaction holding the tenant's settings row, so instances never rotate one tenant
 * at the same time, and commits with its events and audit entry.
 */
@Injectable()
export class SigningKeysService {
  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(SigningKeyRepository) private readonly repository: SigningKeyRepository,
    @Inject(SignerCache) private readonly signers: SignerCache,
    @Inject(SERVICE_CONFIG) private readonly config: TokenConfig,
  ) {}

  /** Applies the schedule to one tenant (creating its settings and first keys if it has none); the kids changed. */
  async applySchedule(tenantId: string, now: Date = new Date()): Promise<string[]> {
    const changed = await this.store.transaction(async (tx) => {
      const settings = await this.repository.lockSettings(tx, tenantId);
      const keys = await this.repository.keys(tx, tenantId);
      const changes = planScheduledChanges(keys, keyScheduleOf(settings, this.config), now);
      return (await this.repository.apply(tx, tenantId, keys, changes, now)).changed;
    });
    if (changed.length > 0) this.signers.forget(tenantId);
    return changed;
  }

  async list(tenantId: string): Promise<SigningKeyView[]> {
    const keys = await this.repository.keys(this.store.dataSource.manager, tenantId);
    return keys
      .filter((key) => !key.forgotten || key.state === 'revoked')
      .map(signingKeyView)
      .reverse();
  }

  async get(tenantId: string, kid: string): Promise<SigningKeyView> {
    const key = await this.repository.key(this.store.dataSource.manager, kid);
    if (!key || key.tenantId !== tenantId) throw new NotFoundException(`no signing key ${kid}`);
    return signingKeyView(key);
  }

  /** The next key signs from now on; refused (409) while it is younger than the publish lead, unless forced. */
  async rotate(actor: Actor, options: { force: boolean }, now: Date = new Date()): Promise<SigningKeyView[]> {
    const keys = await this.store.transaction(async (tx) => {
      const settings = await this.repository.lockSettings(tx, actor.tenantId);
      const before = await this.repository.keys(tx, actor.tenantId);
      const plan = planRotation(before, keyScheduleOf(settings, this.config), now, options);
      if (!plan.ok) {
        throw new ConflictException({
          statusCode: 409,
          message: plan.message,
          ...(plan.notBefore ? { notBefore: plan.notBefore.toISOString() } : {}),
        });
      }
      const { keys: after, changed } = await this.repository.apply(tx, actor.tenantId, before, plan.changes, now);
      await this.store.audit(tx, actor, {
        action: 'signing-key.rotate',
        target: { kind: 'tenant', id: actor.tenantId },
        before: summary(before),
        after: { ...summary(after), forced: options.force, changed },
      });
      return after;
    });
    this.signers.forget(actor.tenantId);
    return keys.filter((key) => ['next', 'active', 'retiring'].includes(key.state)).map(signingKeyView);
  }

  /** Emergency revocation: its tokens are refused everywhere at once; an active key hands over to the next. */
  async revoke(actor: Actor, kid: string, reason: string, now: Date = new Date()): Promise<SigningKeyView> {
    const revoked = await this.store.transaction(async (tx) => {
      const owner = await this.repository.key(tx, kid);
      if (!owner || owner.tenantId !== actor.tenantId) throw new NotFoundException(`no signing key ${kid}`);
      const settings = await this.repository.lockSettings(tx, actor.tenantId);
      const before = await this.repository.keys(tx, actor.tenantId);
      const plan = planRevocation(before, kid, reason, keyScheduleOf(settings, this.config));
      if (!plan.ok) {
        if (plan.code === 'not-found') throw new NotFoundException(plan.message);
        throw new ConflictException(plan.message);
      }
      const { keys: after } = await this.repository.apply(tx, actor.tenantId, before, plan.changes, now);
      const key = after.find((candidate) => candidate.kid === kid) as SigningKeyRecord;
      await this.store.audit(tx, actor, {
        action: 'signing-key.revoke',
        target: { kind: 'signing_key', id: kid },
        before: { state: owner.state },
        after: { state: key.state, reason, active: after.find((candidate) => candidate.state === 'active')?.kid },
      });
      return key;
    });
    this.signers.forget(actor.tenantId);
    return signingKeyView(revoked);
  }

  /** An HS256 key's shared secret (base64url), for API servers in compatibility mode; audited. */
  async exportSecret(actor: Actor, kid: string): Promise<{ kid: string; alg: 'HS256'; secret: string }> {
    return this.store.transaction(async (tx) => {
      const key = await this.repository.key(tx, kid);
      if (!key || key.tenantId !== actor.tenantId) throw new NotFoundException(`no signing key ${kid}`);
      if (key.alg !== 'HS256') {
        throw new ConflictException(`key ${kid} is ${key.alg}: its public key is in the JWKS, it has no shared secret`);
      }
      const material = this.signers.open(key);
      if (!material) throw new ConflictException(`key ${kid} is ${key.state}: its secret is erased`);
      await this.store.audit(tx, actor, {
        action: 'signing-key.export-secret',
        target: { kind: 'signing_key', id: kid },
        before: null,
        after: { state: key.state },
      });
      return { kid, alg: 'HS256', secret: material.privateBytes().toString('base64url') };
    });
  }

  /** The tenant's settings, with the issuer of its tokens and its JWKS URL (created with the defaults if none). */
  async settings(tenantId: string): Promise<SigningSettingsView> {
    const settings =
      (await this.repository.settings(this.store.dataSource.manager, tenantId)) ??
      (await this.store.transaction((tx) => this.repository.lockSettings(tx, tenantId)));
    return this.view(settings);
  }

  private view(settings: SigningSettings): SigningSettingsView {
    const issuer = tenantIssuer(this.config.TOKEN_ISSUER, settings.tenantId);
    return { ...settings, issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
  }

  /**
   * Changes the tenant's settings. A new algorithm takes effect through the schedule: the waiting next key is
   * replaced by one of the new algorithm, which signs from the next rotation (or a manual one).
   */
  async updateSettings(
    actor: Actor,
    change: SigningSettingsChange,
    now: Date = new Date(),
  ): Promise<SigningSettingsView> {
    const updated = await this.store.transaction(async (tx) => {
      const before = await this.repository.lockSettings(tx, actor.tenantId);
      const after: SigningSettings = {
        ...before,
        algorithm: change.algorithm ?? before.algorithm,
        rotationPeriodSeconds: change.rotationPeriodSeconds ?? before.rotationPeriodSeconds,
        audience: change.audience ?? before.audience,
      };
      await tx.query(
        `UPDATE ${this.store.table('signing_settings')} SET algorithm = $2, rotation_period_seconds = $3, audience = $4,
           updated_at = now() WHERE tenant_id = $1`,
        [actor.tenantId, after.algorithm, after.rotationPeriodSeconds, after.audience],
      );
      const keys = await this.repository.keys(tx, actor.tenantId);
      await this.repository.apply(
        tx,
        actor.tenantId,
        keys,
        planScheduledChanges(keys, keyScheduleOf(after, this.config), now),
        now,
      );
      await this.store.audit(tx, actor, {
        action: 'signing-settings.update',
        target: { kind: 'tenant', id: actor.tenantId },
        before,
        after,
      });
      return after;
    });
    this.signers.forget(actor.tenantId);
    return this.view(updated);
  }

  /** Tenants with settings, for the schedule. */
  async tenants(): Promise<string[]> {
    const rows = await this.store.dataSource.query<{ tenantId: string }[]>(
      `SELECT tenant_id AS "tenantId" FROM ${this.store.table('signing_settings')} ORDER BY tenant_id`,
    );
    return rows.map((row) => row.tenantId);
  }
}

function summary(keys: readonly SigningKeyRecord[]) {
  const of = (state: string) => keys.filter((key) => key.state === state && !key.forgotten).map((key) => key.kid);
  return { active: of('active'), next: of('next'), retiring: of('retiring') };
}
