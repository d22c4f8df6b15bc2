import { Topics } from '@tessera/contracts';
import type { EntityManager } from 'typeorm';
import type { AuditEntry } from '../audit/audit-log';
import type { RegistryStore } from '../persistence/registry-store';
import { TableExpiry } from './table-expiry';

interface Row {
  id: string;
  tenantId: string;
  name: string;
}

/** A store whose SELECTs answer the given batches in turn, recording what the sweep writes. */
function fakeStore(batches: Row[][]) {
  const written = {
    transactions: 0,
    tombstones: [] as { topic: string; key: string }[],
    audits: [] as { tenantId: string; keyId: string | null; entry: AuditEntry }[],
    published: [] as string[][],
  };
  const tx = {
    query: (sql: string, parameters: unknown[]) => {
      if (sql.startsWith('SELECT')) return Promise.resolve(batches.shift() ?? []);
      written.published.push(parameters[0] as string[]);
      return Promise.resolve([]);
    },
  } as unknown as EntityManager;
  const store = {
    table: (name: string) => `"s".${name}`,
    transaction: <T>(work: (tx: EntityManager) => Promise<T>) => {
      written.transactions += 1;
      return work(tx);
    },
    publishRemoval: (
      _tx: EntityManager,
      actor: { tenantId: string; keyId: string | null },
      removal: { topic: { name: string }; key: string } & Omit<AuditEntry, 'after'>,
    ) => {
      const { topic, key, ...entry } = removal;
      written.tombstones.push({ topic: topic.name, key });
      written.audits.push({ tenantId: actor.tenantId, keyId: actor.keyId, entry: { ...entry, after: null } });
      return Promise.resolve();
    },
  } as unknown as RegistryStore;
  return { store, tx, written };
}

function expiry(store: RegistryStore) {
  return new TableExpiry<Row, Row>(store, {
    kind: 'thing',
    table: 'thing',
    columns: 'id, tenant_id AS "tenantId", name',
    entity: (row) => row,
    topic: Topics.registry,
    key: (tenantId, thing) => `${tenantId}/${thing.name}`,
    summary: (thing) => ({ name: thing.name }),
  });
}

const row = (n: number, tenantId = 't1'): Row => ({ id: `id-${String(n)}`, tenantId, name: `n${String(n)}` });

describe('TableExpiry', () => {
  it('ends every expired row: a tombstone on its key, an audit entry by nobody, the mark that it was swept', async () => {
    const { store, written } = fakeStore([[row(1, 't2'), row(2)]]);
    expect(await expiry(store).sweep(new Date())).toBe(2);
    expect(written.tombstones).toEqual([
      { topic: Topics.registry.name, key: 't1/n2' },
      { topic: Topics.registry.name, key: 't2/n1' },
    ]);
    expect(written.audits).toEqual([
      {
        tenantId: 't1',
        keyId: null,
        entry: { action: 'thing.expire', target: { kind: 'thing', id: 'id-2' }, before: { name: 'n2' }, after: null },
      },
      {
        tenantId: 't2',
        keyId: null,
        entry: { action: 'thing.expire', target: { kind: 'thing', id: 'id-1' }, before: { name: 'n1' }, after: null },
      },
    ]);
    expect(written.published).toEqual([['id-2', 'id-1']]);
  });

  it('sweeps batch after batch, one transaction each, until a batch is not full', async () => {
    const full = Array.from({ length: 500 }, (_, n) => row(n));
    const { store, written } = fakeStore([full, [row(500)]]);
    expect(await expiry(store).sweep(new Date())).toBe(501);
    expect(written.transactions).toBe(2);
    expect(written.published.map((ids) => ids.length)).toEqual([500, 1]);
  });

  it('writes nothing when nothing has expired', async () => {
    const { store, written } = fakeStore([]);
    expect(await expiry(store).sweep(new Date())).toBe(0);
    expect(written).toMatchObject({ transactions: 1, tombstones: [], audits: [], published: [] });
  });

  it('ends one entity in the caller’s transaction as the sweep would', async () => {
    const { store, tx, written } = fakeStore([]);
    await expiry(store).publishEnd(tx, 't1', row(7));
    expect(written.tombstones).toEqual([{ topic: Topics.registry.name, key: 't1/n7' }]);
    expect(written.audits.map((audit) => audit.entry.action)).toEqual(['thing.expire']);
    expect(written.published).toEqual([['id-7']]);
  });
});
