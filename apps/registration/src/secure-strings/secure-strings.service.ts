import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { MAX_SECURE_STRINGS, secureStringAad, SecureStringUpsertedV1, Topics } from '@tessera/contracts';
import { Keyring } from '@tessera/sealing';
import type { EntityManager } from 'typeorm';
import { findVisibleApp } from '../apps/app-lookup';
import type { Page } from '../persistence/page';
import { RegistryStore } from '../persistence/registry-store';
import { firstReturned, returned } from '../persistence/sql';
import {
  SECURE_STRING_COLUMNS,
  type SecureStringRow,
  secureStringSummary,
  secureStringView,
  type SecureStringView,
} from './secure-string.view';

/**
 * Named secrets of an app. Values are sealed with the KEK before they reach the database, and the plaintext goes
 * nowhere else: answers, events and audit entries carry names and versions (events: the sealed value) only.
 */
@Injectable()
export class SecureStringsService {
  constructor(
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(Keyring) private readonly keyring: Keyring,
  ) {}

  async list(
    principal: Principal,
    appId: string,
    query: { limit: number; cursor?: string | undefined },
  ): Promise<Page<SecureStringView>> {
    await findVisibleApp(this.store.dataSource.manager, this.store.schema, principal, appId);
    // Ordered by name in byte order ("C"), the same order the cursor compares in.
    const rows = await this.store.dataSource.query<SecureStringView[]>(
      `SELECT ${SECURE_STRING_COLUMNS} FROM ${this.store.table('secure_string')}
       WHERE tenant_id = $1 AND app_id = $2 AND ($3::text IS NULL OR name COLLATE "C" > $3::text)
       ORDER BY name COLLATE "C" LIMIT $4`,
      [principal.tenantId, appId, query.cursor ?? null, query.limit + 1],
    );
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? (items[items.length - 1]?.name ?? null) : null };
  }

  /** Creates or replaces the value; `created` says which (201 or 200). */
  async put(
    principal: Principal,
    appId: string,
    name: string,
    value: string,
  ): Promise<{ created: boolean; secureString: SecureStringView }> {
    return this.store.transaction(async (tx) => {
      // FOR NO KEY UPDATE: the app cannot be deleted while its secret is being written, and two new names for one
      // app are counted one after the other; rows that only refer to the app (registrations) are not held up.
      await findVisibleApp(tx, this.store.schema, principal, appId, 'no-key-update');
      const sealed = this.keyring.seal(value, secureStringAad(principal.tenantId, appId, name));
      // One statement, so concurrent writers of one name serialise on the unique key; xmax = 0 only on insert.
      const row = returned(
        await tx.query<(SecureStringRow & { created: boolean })[]>(
          `INSERT INTO ${this.store.table('secure_string')} AS current (id, tenant_id, app_id, name, version, sealed)
           VALUES ($1, $2, $3, $4, 1, $5::jsonb)
           ON CONFLICT (app_id, name) DO UPDATE
             SET version = current.version + 1, sealed = EXCLUDED.sealed, updated_at = now()
           RETURNING ${SECURE_STRING_COLUMNS}, sealed, (xmax = 0) AS created`,
          [randomUUID(), principal.tenantId, appId, name, JSON.stringify(sealed)],
        ),
      );
      if (row.created) await this.refuseBeyondLimit(tx, appId);
      await this.publish(tx, principal.tenantId, row);
      await this.store.audit(tx, principal, {
        action: 'secure-string.set',
        target: { kind: 'secure-string', id: row.id },
        before: row.created ? null : secureStringSummary({ ...row, version: row.version - 1 }),
        after: secureStringSummary(row),
      });
      return { created: row.created, secureString: secureStringView(row) };
    });
  }

  /** A new name beyond MAX_SECURE_STRINGS is refused (the transaction rolls back): the SDK holds no more. */
  private async refuseBeyondLimit(tx: EntityManager, appId: string): Promise<void> {
    const [counted] = await tx.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM ${this.store.table('secure_string')} WHERE app_id = $1`,
      [appId],
    );
    if (Number(counted?.n) > MAX_SECURE_STRINGS) {
      throw new ConflictException({
        statusCode: 409,
        reason: 'too-many-secure-strings',
        message: `an app holds at most ${MAX_SECURE_STRINGS} secure strings: remove one first`,
      });
    }
  }

  async delete(principal: Principal, appId: string, name: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await findVisibleApp(tx, this.store.schema, principal, appId, 'share');
      const row = firstReturned<SecureStringRow>(
        await tx.query(
          `DELETE FROM ${this.store.table('secure_string')} WHERE tenant_id = $1 AND app_id = $2 AND name = $3
           RETURNING ${SECURE_STRING_COLUMNS}, sealed`,
          [principal.tenantId, appId, name],
        ),
      );
      if (!row) throw new NotFoundException('no such secure string');
      await this.store.publishRemoval(tx, principal, {
        topic: Topics.registry,
        key: SecureStringUpsertedV1.key(principal.tenantId, eventData(row)),
        action: 'secure-string.delete',
        target: { kind: 'secure-string', id: row.id },
        before: secureStringSummary(row),
      });
    });
  }

  private async publish(tx: EntityManager, tenantId: string, row: SecureStringRow): Promise<void> {
    await this.store.outbox.append(tx, SecureStringUpsertedV1, { tenant: tenantId, data: eventData(row) });
  }
}

function eventData(row: SecureStringRow) {
  return { secureStringId: row.id, appId: row.appId, name: row.name, version: row.version, sealed: row.sealed };
}
