import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { RevocationUpsertedV1, Topics } from '@tessera/contracts';
import type { EntityManager } from 'typeorm';
import { expiryStatusCondition } from '../expiry/expiry-status';
import type { Page } from '../persistence/page';
import { RegistryStore } from '../persistence/registry-store';
import { firstReturned, pageOf, returned } from '../persistence/sql';
import {
  REVOCATION_COLUMNS,
  revocationEventData,
  revocationKey,
  revocationSummary,
  type RevocationView,
} from './revocation.view';
import type { CreateRevocationInput } from './revocations.schemas';

/**
 * Revocations of the caller's tenant: a device, an installation key, an app build or a single token refused
 * everywhere until lifted or expired. Each change publishes on the compacted revocations topic in its transaction.
 */
@Injectable()
export class RevocationsService {
  constructor(@Inject(RegistryStore) private readonly store: RegistryStore) {}

  async list(
    principal: Principal,
    query: {
      limit: number;
      cursor?: string | undefined;
      kind?: string | undefined;
      value?: string | undefined;
      status: 'active' | 'expired' | 'all';
    },
  ): Promise<Page<RevocationView>> {
    const rows = await this.store.dataSource.query<RevocationView[]>(
      `SELECT ${REVOCATION_COLUMNS} FROM ${this.store.table('revocation')}
       WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid)
         AND ($3::text IS NULL OR subject_kind = $3) AND ($4::text IS NULL OR subject_value = $4)
         AND ${expiryStatusCondition('$5')}
       ORDER BY id LIMIT $6`,
      [
        principal.tenantId,
        query.cursor ?? null,
        query.kind ?? null,
        query.value ?? null,
        query.status,
        query.limit + 1,
      ],
    );
    return pageOf(rows, query.limit);
  }

  async get(principal: Principal, revocationId: string): Promise<RevocationView> {
    return this.find(this.store.dataSource.manager, principal.tenantId, revocationId);
  }

  async create(principal: Principal, input: CreateRevocationInput): Promise<RevocationView> {
    return this.store.transaction(async (tx) => {
      // One revocation in force per subject: concurrent requests for one subject take turns here.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `revocation/${principal.tenantId}/${input.subject.kind}/${input.subject.value}`,
      ]);
      // A revoked registration must be one of this tenant's: a typo would otherwise revoke nothing, silently.
      if (input.subject.kind === 'registration') {
        // The share lock keeps the registration from being deleted while its revocation commits.
        const found = await tx.query<unknown[]>(
          `SELECT 1 FROM ${this.store.table('registration')} WHERE tenant_id = $1 AND id = $2 FOR SHARE`,
          [principal.tenantId, input.subject.value],
        );
        if (found.length === 0) {
          throw new BadRequestException({
            statusCode: 400,
            message: 'invalid body',
            errors: ['subject.value: no such registration'],
          });
        }
      }
      const active = await tx.query<{ id: string }[]>(
        `SELECT id FROM ${this.store.table('revocation')}
         WHERE tenant_id = $1 AND subject_kind = $2 AND subject_value = $3 AND (expires_at IS NULL OR expires_at > now())
         LIMIT 1`,
        [principal.tenantId, input.subject.kind, input.subject.value],
      );
      if (active[0]) {
        throw new ConflictException({
          statusCode: 409,
          message: `this ${input.subject.kind} is already revoked`,
          revocationId: active[0].id,
        });
      }
      const revocation = returned(
        await tx.query<RevocationView[]>(
          `INSERT INTO ${this.store.table('revocation')}
             (id, tenant_id, subject_kind, subject_value, reason, expires_at, created_by_key_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${REVOCATION_COLUMNS}`,
          [
            randomUUID(),
            principal.tenantId,
            input.subject.kind,
            input.subject.value,
            input.reason ?? null,
            input.expiresAt,
            principal.keyId,
          ],
        ),
      );
      await this.store.outbox.append(tx, RevocationUpsertedV1, {
        tenant: principal.tenantId,
        data: revocationEventData(revocation),
      });
      await this.store.audit(tx, principal, {
        action: 'revocation.create',
        target: { kind: 'revocation', id: revocation.id },
        before: null,
        after: revocationSummary(revocation),
      });
      return revocation;
    });
  }

  /** Lifts a revocation (active or expired): its row goes, a tombstone tells every verifier. */
  async lift(principal: Principal, revocationId: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const revocation = firstReturned<RevocationView>(
        await tx.query(
          `DELETE FROM ${this.store.table('revocation')} WHERE tenant_id = $1 AND id = $2
           RETURNING ${REVOCATION_COLUMNS}`,
          [principal.tenantId, revocationId],
        ),
      );
      if (!revocation) throw new NotFoundException('no such revocation');
      await this.store.publishRemoval(tx, principal, {
        topic: Topics.revocations,
        key: revocationKey(principal.tenantId, revocation),
        action: 'revocation.lift',
        target: { kind: 'revocation', id: revocation.id },
        before: revocationSummary(revocation),
      });
    });
  }

  private find(tx: EntityManager, tenantId: string, revocationId: string): Promise<RevocationView> {
    const revocations = { table: 'revocation', columns: REVOCATION_COLUMNS, notFound: 'no such revocation' };
    return this.store.findTenantRow(tx, revocations, tenantId, revocationId);
  }
}
