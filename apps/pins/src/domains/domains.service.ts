import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { type DomainPin, ProtectedDomainUpsertedV1, Topics } from '@tessera/contracts';
import { randomUUID } from 'node:crypto';
import { checkPinSet, pinsFromServedChain } from '@tessera/pins';
import { raiseConfigVersion } from '../config/pin-config-versions';
import { PinsStore } from '../persistence/pins-store';
import { type DomainRow, domainAnswer, domainView } from './domain.view';
import type { CreateDomain } from './domains.schemas';
import { servedPinsOf } from './served-pins';

const COLUMNS = 'id, pattern, port, mode, app_ids, pins, revision, created_at, updated_at';

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === '23505';
}

/** The tenant's protected domains: each change commits with its protected-domain.upserted (or tombstone). */
@Injectable()
export class DomainsService {
  constructor(@Inject(PinsStore) private readonly store: PinsStore) {}

  async create(principal: Principal, input: CreateDomain) {
    const typed: DomainPin[] = input.pins.map((pin) => ({
      pin: pin.pin,
      source: pin.source,
      label: pin.label ?? null,
      certificate: null,
    }));
    const servedChain = await servedPinsOf(input);
    const chosen = servedChain
      ? pinsFromServedChain(servedChain, input.use ?? (input.mode === 'managed-trust' ? 'intermediate' : 'leaf'))
      : [];
    const pins = [...chosen, ...typed];
    const problems = checkPinSet({ mode: input.mode, pins, ...(servedChain ? { servedChain } : {}) });
    if (problems.length > 0) {
      throw new BadRequestException({
        statusCode: 400,
        reason: 'pin-set-refused',
        message: problems.map((problem) => problem.message).join('; '),
        problems,
      });
    }
    try {
      return await this.store.transaction(async (tx) => {
        const rows: DomainRow[] = await tx.query(
          `INSERT INTO ${this.store.table('protected_domain')} (id, tenant_id, pattern, port, mode, app_ids, pins)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING ${COLUMNS}`,
          [randomUUID(), principal.tenantId, input.pattern, input.port, input.mode, input.appIds, JSON.stringify(pins)],
        );
        const row = rows[0] as DomainRow;
        const { id: _id, ...data } = domainView(row);
        await this.store.outbox.append(tx, ProtectedDomainUpsertedV1, { tenant: principal.tenantId, data });
        await raiseConfigVersion(this.store, tx, principal.tenantId, { domainAdded: true });
        return domainAnswer(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException(`${input.pattern} port ${input.port} is a protected domain already`);
      }
      throw error;
    }
  }

  async list(principal: Principal) {
    const rows: DomainRow[] = await this.store.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.store.table('protected_domain')} WHERE tenant_id = $1 ORDER BY pattern, port`,
      [principal.tenantId],
    );
    return { items: rows.map((row) => domainAnswer(row)) };
  }

  async get(principal: Principal, id: string) {
    const rows: DomainRow[] = await this.store.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.store.table('protected_domain')} WHERE tenant_id = $1 AND id = $2`,
      [principal.tenantId, id],
    );
    const [row] = rows;
    if (!row) throw new NotFoundException('no such protected domain');
    return domainAnswer(row);
  }

  /** Stops protecting the domain: its apps' next configs no longer pin it. */
  async remove(principal: Principal, id: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const deleted: [unknown[], number] = await tx.query(
        `DELETE FROM ${this.store.table('protected_domain')} WHERE tenant_id = $1 AND id = $2`,
        [principal.tenantId, id],
      );
      if (deleted[1] === 0) throw new NotFoundException('no such protected domain');
      await this.store.outbox.appendTombstone(tx, Topics.pins, `${principal.tenantId}/protected-domain/${id}`);
      await raiseConfigVersion(this.store, tx, principal.tenantId);
    });
  }
}
