import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { type DomainPin, type Pin, PinRotationUpsertedV1, ProtectedDomainUpsertedV1 } from '@tessera/contracts';
import {
  cancelRotation,
  checkPinSet,
  emergencyReplace,
  type PinSetProblem,
  planRotation,
  publishRotation,
  retireOldPin,
  type RotationRefusal,
} from '@tessera/pins';
import { SERVICE_CONFIG } from '@tessera/service-runtime';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { raiseConfigVersion } from '../config/pin-config-versions';
import { type DomainRow, domainView } from '../domains/domain.view';
import { PinsStore } from '../persistence/pins-store';
import type { PinsConfig } from '../pins.config';
import { type Actor, writeAudit } from './pins-audit';
import { RotationClock } from './rotation-clock';
import { refusalError } from './rotation-refusals';
import { pairsOf, ROTATION_COLUMNS, type RotationRow, rotationEventData, rotationView } from './rotation.view';
import type { EmergencyReplace, PlanRotation, Retire } from './rotations.schemas';
import { servedPinsOf } from './served-pins';

const DOMAIN_COLUMNS = 'id, pattern, port, mode, app_ids, pins, revision, created_at, updated_at';

const actorOf = (principal: Principal): Actor => ({ tenantId: principal.tenantId, keyId: principal.keyId });

/** A publish the domain's pin set refuses (beside libs/pins' rotation refusals): its problems, one sentence. */
interface PinSetRefusal {
  code: 'pin-set-refused';
  message: string;
  problems: PinSetProblem[];
}

function pinSetRefusal(problems: PinSetProblem[]): PinSetRefusal {
  return { code: 'pin-set-refused', message: problems.map((problem) => problem.message).join('; '), problems };
}

function pinSetRefused(problems: PinSetProblem[], status: 400 | 409): never {
  const { code, message } = pinSetRefusal(problems);
  const body = { statusCode: status, reason: code, message, problems };
  throw status === 400 ? new BadRequestException(body) : new ConflictException(body);
}

/**
 * Pin rotations: each step commits, in one transaction, the rotation (pin-rotation.upserted), the domain's pins
 * when the step changes them (protected-domain.upserted with a higher revision, and a raised config version) and
 * its audit entry. The order and its refusals are libs/pins' (`planRotation`, `publishRotation`, ...).
 */
@Injectable()
export class RotationsService {
  constructor(
    @Inject(PinsStore) private readonly store: PinsStore,
    @Inject(RotationClock) private readonly clock: RotationClock,
    @Inject(SERVICE_CONFIG) private readonly config: PinsConfig,
  ) {}

  async plan(principal: Principal, domainId: string, input: PlanRotation) {
    const now = this.clock.now();
    const at = input.at === undefined ? undefined : new Date(input.at);
    return this.store.transaction(async (tx) => {
      const domain = await this.lockDomain(tx, principal.tenantId, domainId);
      const pins = domain.pins.map(({ pin }) => pin);
      for (const oldPin of input.retirePins) {
        for (const { pin: newPin } of input.newPins) {
          const planned = planRotation({
            pins,
            oldPin,
            newPin,
            now,
            ...(at === undefined ? {} : { at }),
            maxConfigLifetimeSeconds: this.config.PINS_CONFIG_LIFETIME_SECONDS,
          });
          if (!planned.ok) throw refusalError(planned.refusal, 400);
        }
      }
      const newPins: DomainPin[] = input.newPins.map(({ pin, label }) => ({
        pin,
        source: 'manual',
        label: label ?? null,
        certificate: null,
      }));
      // The published set (old and new pins) must itself be a set the domain may hold.
      const problems = checkPinSet({ mode: domain.mode, pins: withPins(domain.pins, newPins) });
      if (problems.length > 0) pinSetRefused(problems, 400);

      const inserted: RotationRow[] = await tx.query(
        `INSERT INTO ${this.store.table('pin_rotation')}
           (id, tenant_id, domain_id, new_pins, retire_pins, starts_at, max_config_lifetime_seconds, created_at, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $8) RETURNING ${ROTATION_COLUMNS}`,
        [
          randomUUID(),
          principal.tenantId,
          domainId,
          JSON.stringify(newPins),
          input.retirePins,
          at ?? now,
          this.config.PINS_CONFIG_LIFETIME_SECONDS,
          now,
        ],
      );
      let rotation = inserted[0] as RotationRow;
      await writeAudit(this.store, tx, actorOf(principal), {
        action: 'rotation.planned',
        target: { kind: 'pin-rotation', id: rotation.id },
        before: null,
        after: rotationEventData(rotation),
      });
      if (at === undefined || at.getTime() <= now.getTime()) {
        const published = await this.publishIn(tx, actorOf(principal), domain, rotation, now);
        if (!published.ok) {
          if (published.refusal.code === 'pin-set-refused') pinSetRefused(published.refusal.problems, 409);
          throw refusalError(published.refusal, 409);
        }
        rotation = published.rotation;
      } else {
        await this.appendRotation(tx, principal.tenantId, rotation);
      }
      return rotationView(rotation, now);
    });
  }

  async list(principal: Principal, domainId: string) {
    await this.domain(principal.tenantId, domainId);
    const rows: RotationRow[] = await this.store.dataSource.query(
      `SELECT ${ROTATION_COLUMNS} FROM ${this.store.table('pin_rotation')}
       WHERE tenant_id = $1 AND domain_id = $2 ORDER BY created_at, id`,
      [principal.tenantId, domainId],
    );
    const now = this.clock.now();
    return { items: rows.map((row) => rotationView(row, now)) };
  }

  async get(principal: Principal, rotationId: string) {
    return rotationView(
      await this.rotation(this.store.dataSource.manager, principal.tenantId, rotationId),
      this.clock.now(),
    );
  }

  /** Retires the old pins once the wait is over and the remaining pins still match the served chain. */
  async retire(principal: Principal, rotationId: string, input: Retire) {
    const tenant = principal.tenantId;
    const before = await this.rotation(this.store.dataSource.manager, tenant, rotationId);
    const domainBefore = await this.domain(tenant, before.domain_id);
    // What time and state alone refuse, before asking the host: the served-chain checks are the last ones.
    const early = this.retireOutcome(before, domainBefore, [], this.clock.now());
    if (!early.ok && !SERVED_CHAIN_REFUSALS.has(early.refusal.code)) throw refusalError(early.refusal, 409);
    const servedPins = await servedPinsOf(domainBefore, input.servedChainPem);

    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const domain = await this.lockDomain(tx, tenant, before.domain_id);
      const rotation = await this.rotation(tx, tenant, rotationId, true);
      const outcome = this.retireOutcome(
        rotation,
        domain,
        servedPins.map(({ pin }) => pin),
        now,
      );
      if (!outcome.ok) throw refusalError(outcome.refusal, 409);
      const remaining = withPins(
        domain.pins.filter(({ pin }) => outcome.pins.includes(pin)),
        rotation.new_pins,
      );
      const problems = checkPinSet({
        mode: domain.mode,
        pins: remaining,
        servedChain: servedPins,
      });
      if (problems.length > 0) pinSetRefused(problems, 409);
      const updated = await this.updateRotation(
        tx,
        rotation.id,
        {
          switched_at: outcome.switchedAt,
          retired_at: now,
        },
        now,
      );
      const changed = await this.writePins(tx, tenant, domain, remaining);
      await writeAudit(this.store, tx, actorOf(principal), {
        action: 'rotation.retired',
        target: { kind: 'pin-rotation', id: rotation.id },
        before: { pins: domain.pins.map(({ pin }) => pin), rotation: rotationEventData(rotation) },
        after: {
          pins: changed.pins.map(({ pin }) => pin),
          servedPins: servedPins.map(({ pin }) => pin),
          rotation: rotationEventData(updated),
        },
      });
      await this.appendRotation(tx, tenant, updated);
      return { rotation: rotationView(updated, now), domain: domainView(changed) };
    });
  }

  async cancel(principal: Principal, rotationId: string) {
    const tenant = principal.tenantId;
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const rotation = await this.rotation(tx, tenant, rotationId, true);
      for (const pair of pairsOf(rotation)) {
        const cancelled = cancelRotation(pair, now);
        if (!cancelled.ok) throw refusalError(cancelled.refusal, 409);
      }
      const updated = await this.updateRotation(tx, rotation.id, { cancelled_at: now }, now);
      await writeAudit(this.store, tx, actorOf(principal), {
        action: 'rotation.cancelled',
        target: { kind: 'pin-rotation', id: rotation.id },
        before: rotationEventData(rotation),
        after: rotationEventData(updated),
      });
      await this.appendRotation(tx, tenant, updated);
      return rotationView(updated, now);
    });
  }

  /** Replaces compromised pins at once, without the wait: only with the explicit flag, always audited. */
  async emergencyReplace(principal: Principal, domainId: string, input: EmergencyReplace) {
    const tenant = principal.tenantId;
    const existing = await this.domain(tenant, domainId);
    // The served-chain checks are skipped in an emergency: a chain given is only for the warnings.
    const servedPins =
      input.servedChainPem === undefined ? undefined : await servedPinsOf(existing, input.servedChainPem);

    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const domain = await this.lockDomain(tx, tenant, domainId);
      const current = domain.pins.map(({ pin }) => pin);
      const wanted: DomainPin[] = input.pins.map((typed) => ({
        pin: typed.pin,
        source: typed.source,
        label: typed.label ?? null,
        certificate: null,
      }));
      const removed = current.filter((pin) => !wanted.some((entry) => entry.pin === pin));
      const added = wanted.filter(({ pin }) => !current.includes(pin));
      const [partner] = added;
      const refuse = (refusal: RotationRefusal) => refusalError(refusal, 400);
      const lifetime = this.config.PINS_CONFIG_LIFETIME_SECONDS;
      if (input.compromised !== true) {
        // libs/pins' own refusal (`not-confirmed`): the flag is checked before anything else.
        const unconfirmed = emergencyReplace({
          pins: current,
          oldPin: removed[0] ?? '',
          newPin: partner?.pin ?? '',
          servedPins: [],
          now,
          maxConfigLifetimeSeconds: lifetime,
          compromised: false,
        });
        if (!unconfirmed.ok) throw refuse(unconfirmed.refusal);
      }
      if (removed.length === 0)
        throw refuse({
          code: 'unknown-old-pin',
          message: 'the set given keeps every current pin: leave the compromised one out',
        });
      if (partner === undefined)
        throw refuse({
          code: 'same-pin',
          message: 'the set given adds no pin: an emergency replace puts a new key in place of the compromised one',
        });
      const problems = checkPinSet({ mode: domain.mode, pins: wanted });
      if (problems.length > 0) pinSetRefused(problems, 400);

      let pins: Pin[] = [...current, ...added.map(({ pin }) => pin)];
      const warnings = new Set<string>();
      let switchedAt: Date | null = null;
      for (const oldPin of removed) {
        const replaced = emergencyReplace({
          pins,
          oldPin,
          newPin: partner.pin,
          servedPins: (servedPins ?? []).map(({ pin }) => pin),
          now,
          maxConfigLifetimeSeconds: lifetime,
          compromised: true,
        });
        if (!replaced.ok) throw refuse(replaced.refusal);
        pins = replaced.pins;
        switchedAt = replaced.rotation.switchedAt ?? switchedAt;
        for (const warning of replaced.warnings) warnings.add(warning);
      }
      if (servedPins === undefined) {
        // Judged against no chain at all, the warnings would only say that nothing matches it.
        warnings.clear();
        warnings.add('the served chain was not checked: none was given');
      }

      const inserted: RotationRow[] = await tx.query(
        `INSERT INTO ${this.store.table('pin_rotation')}
           (id, tenant_id, domain_id, new_pins, retire_pins, starts_at, max_config_lifetime_seconds, published_at,
            switched_at, retired_at, emergency, created_at, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $6, $8, $6, true, $6, $6) RETURNING ${ROTATION_COLUMNS}`,
        [
          randomUUID(),
          tenant,
          domainId,
          JSON.stringify(added),
          removed,
          now,
          this.config.PINS_CONFIG_LIFETIME_SECONDS,
          switchedAt,
        ],
      );
      const rotation = inserted[0] as RotationRow;
      const changed = await this.writePins(tx, tenant, domain, wanted);
      await writeAudit(this.store, tx, actorOf(principal), {
        action: 'domain.emergency-replaced',
        target: { kind: 'protected-domain', id: domainId },
        before: { pins: current },
        after: {
          pins: changed.pins.map(({ pin }) => pin),
          removed,
          added: added.map(({ pin }) => pin),
          reason: input.reason,
          rotationId: rotation.id,
          warnings: [...warnings],
        },
      });
      await this.appendRotation(tx, tenant, rotation);
      return { rotation: rotationView(rotation, now), domain: domainView(changed), warnings: [...warnings] };
    });
  }

  /**
   * Publishes the rotations whose time has come (the worker's round); a rotation the domain no longer allows is
   * cancelled. Each rotation in a transaction of its own: one that fails (the database) is reported and tried again
   * next round, and does not hold up the others.
   */
  async publishDue(): Promise<{ published: number; failed: { rotationId: string; error: unknown }[] }> {
    const due: { id: string; tenant_id: string; domain_id: string }[] = await this.store.dataSource.query(
      `SELECT id, tenant_id, domain_id FROM ${this.store.table('pin_rotation')}
       WHERE published_at IS NULL AND cancelled_at IS NULL AND retired_at IS NULL AND starts_at <= $1
       ORDER BY starts_at LIMIT 50`,
      [this.clock.now()],
    );
    let published = 0;
    const failed: { rotationId: string; error: unknown }[] = [];
    for (const { id, tenant_id: tenant, domain_id: domainId } of due) {
      try {
        if (await this.publishScheduled(id, tenant, domainId)) published += 1;
      } catch (error) {
        failed.push({ rotationId: id, error });
      }
    }
    return { published, failed };
  }

  /** One due rotation published (true), or cancelled or left alone (false). */
  private async publishScheduled(id: string, tenant: string, domainId: string): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const domain = await this.lockDomainIfAny(tx, tenant, domainId);
      // Another node may have taken it: skip what is locked, recheck what is not.
      const rows: RotationRow[] = await tx.query(
        `SELECT ${ROTATION_COLUMNS} FROM ${this.store.table('pin_rotation')}
           WHERE id = $1 AND published_at IS NULL AND cancelled_at IS NULL AND retired_at IS NULL
           FOR UPDATE SKIP LOCKED`,
        [id],
      );
      const [rotation] = rows;
      if (!rotation) return false;
      const schedule: Actor = { tenantId: tenant, keyId: null };
      const outcome = domain
        ? await this.publishIn(tx, schedule, domain, rotation, now)
        : {
            ok: false as const,
            refusal: { code: 'unknown-old-pin' as const, message: 'the domain is no longer protected' },
          };
      if (outcome.ok) return true;
      if (outcome.refusal.code === 'not-yet-due') return false;
      const cancelled = await this.updateRotation(tx, rotation.id, { cancelled_at: now }, now);
      await writeAudit(this.store, tx, schedule, {
        action: 'rotation.publish-refused',
        target: { kind: 'pin-rotation', id: rotation.id },
        before: rotationEventData(rotation),
        after: { rotation: rotationEventData(cancelled), refusal: outcome.refusal },
      });
      await this.appendRotation(tx, tenant, cancelled);
      return false;
    });
  }

  /** Adds the new pins to the domain's set, in the caller's transaction, or says why not. */
  private async publishIn(tx: EntityManager, actor: Actor, domain: DomainRow, rotation: RotationRow, now: Date) {
    const pins = domain.pins.map(({ pin }) => pin);
    for (const pair of pairsOf(rotation)) {
      const outcome = publishRotation(pair, { pins, now });
      if (!outcome.ok) return outcome;
    }
    const published = withPins(domain.pins, rotation.new_pins);
    // Checked when planned, but the set may have changed since (a scheduled rotation): refused, not thrown, so the
    // scheduler cancels it with its reason instead of failing on it every round.
    const problems = checkPinSet({ mode: domain.mode, pins: published });
    if (problems.length > 0) return { ok: false as const, refusal: pinSetRefusal(problems) };
    const updated = await this.updateRotation(tx, rotation.id, { published_at: now }, now);
    const changed = await this.writePins(tx, actor.tenantId, domain, published);
    await writeAudit(this.store, tx, actor, {
      action: 'rotation.published',
      target: { kind: 'pin-rotation', id: rotation.id },
      before: { pins },
      after: { pins: changed.pins.map(({ pin }) => pin), rotation: rotationEventData(updated) },
    });
    await this.appendRotation(tx, actor.tenantId, updated);
    return { ok: true as const, rotation: updated };
  }

  /** libs/pins' retire, pin by pin: each retired pin leaves the set the next one is judged on. */
  private retireOutcome(
    rotation: RotationRow,
    domain: DomainRow,
    servedPins: readonly Pin[],
    now: Date,
  ): { ok: true; pins: Pin[]; switchedAt: Date | null } | { ok: false; refusal: RotationRefusal } {
    let pins = domain.pins.map(({ pin }) => pin);
    let switchedAt: Date | null = null;
    for (const pair of pairsOf(rotation)) {
      const outcome = retireOldPin(pair, { pins, servedPins, now });
      if (!outcome.ok) return outcome;
      pins = outcome.pins;
      switchedAt = outcome.rotation.switchedAt ?? switchedAt;
    }
    // Switched when the host serves any of the new pins, not only the first.
    const servesNew = rotation.new_pins.some(({ pin }) => servedPins.includes(pin));
    return { ok: true, pins, switchedAt: rotation.switched_at ?? (servesNew ? now : switchedAt) };
  }

  private async writePins(tx: EntityManager, tenant: string, domain: DomainRow, pins: DomainPin[]): Promise<DomainRow> {
    // An UPDATE answers [rows, count].
    const [rows]: [DomainRow[], number] = await tx.query(
      `UPDATE ${this.store.table('protected_domain')} SET pins = $3::jsonb, revision = revision + 1, updated_at = now()
       WHERE tenant_id = $1 AND id = $2 RETURNING ${DOMAIN_COLUMNS}`,
      [tenant, domain.id, JSON.stringify(pins)],
    );
    const changed = rows[0] as DomainRow;
    const { id: _id, ...data } = domainView(changed);
    await this.store.outbox.append(tx, ProtectedDomainUpsertedV1, { tenant, data });
    await raiseConfigVersion(this.store, tx, tenant);
    return changed;
  }

  private async updateRotation(
    tx: EntityManager,
    id: string,
    set: Partial<Pick<RotationRow, 'published_at' | 'switched_at' | 'retired_at' | 'cancelled_at'>>,
    now: Date,
  ): Promise<RotationRow> {
    const columns = Object.keys(set) as (keyof typeof set)[];
    const assignments = columns.map((column, i) => `${column} = $${i + 3}`).join(', ');
    const [rows]: [RotationRow[], number] = await tx.query(
      `UPDATE ${this.store.table('pin_rotation')} SET ${assignments}, updated_at = $2 WHERE id = $1
       RETURNING ${ROTATION_COLUMNS}`,
      [id, now, ...columns.map((column) => set[column])],
    );
    return rows[0] as RotationRow;
  }

  private async appendRotation(tx: EntityManager, tenant: string, rotation: RotationRow): Promise<void> {
    await this.store.outbox.append(tx, PinRotationUpsertedV1, { tenant, data: rotationEventData(rotation) });
  }

  private async rotation(db: EntityManager, tenant: string, id: string, lock = false): Promise<RotationRow> {
    const rows: RotationRow[] = await db.query(
      `SELECT ${ROTATION_COLUMNS} FROM ${this.store.table('pin_rotation')} WHERE tenant_id = $1 AND id = $2
       ${lock ? 'FOR UPDATE' : ''}`,
      [tenant, id],
    );
    const [row] = rows;
    if (!row) throw new NotFoundException('no such rotation');
    return row;
  }

  private async domain(tenant: string, id: string): Promise<DomainRow> {
    const rows: DomainRow[] = await this.store.dataSource.query(
      `SELECT ${DOMAIN_COLUMNS} FROM ${this.store.table('protected_domain')} WHERE tenant_id = $1 AND id = $2`,
      [tenant, id],
    );
    const [row] = rows;
    if (!row) throw new NotFoundException('no such protected domain');
    return row;
  }

  private async lockDomainIfAny(tx: EntityManager, tenant: string, id: string): Promise<DomainRow | undefined> {
    const rows: DomainRow[] = await tx.query(
      `SELECT ${DOMAIN_COLUMNS} FROM ${this.store.table('protected_domain')} WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tenant, id],
    );
    return rows[0];
  }

  /** The domain, locked for the transaction: its steps are judged on its pins as they are. */
  private async lockDomain(tx: EntityManager, tenant: string, id: string): Promise<DomainRow> {
    const row = await this.lockDomainIfAny(tx, tenant, id);
    if (!row) throw new NotFoundException('no such protected domain');
    return row;
  }
}

const SERVED_CHAIN_REFUSALS: ReadonlySet<string> = new Set(['would-not-match-served-chain', 'would-leave-no-backup']);

/** `pins` and then those of `extra` it does not hold yet. */
function withPins(pins: readonly DomainPin[], extra: readonly DomainPin[]): DomainPin[] {
  return [...pins, ...extra.filter(({ pin }) => !pins.some((held) => held.pin === pin))];
}
