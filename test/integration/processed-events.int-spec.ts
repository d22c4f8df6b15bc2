import { PostgresProcessedEvents } from '@tessera/messaging';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createTestSchema, dropTestSchema } from '../support/test-schema';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';

const env = testEnvironment();
const schema = `processed_${uniqueSuffix()}`;

describe('idempotency records in Postgres', () => {
  let dataSource: DataSource;
  let store: PostgresProcessedEvents;

  beforeAll(async () => {
    dataSource = await createTestSchema(env.databaseUrl, schema);
    await dataSource.query(`CREATE TABLE "${schema}".applied (event_id uuid NOT NULL)`);
    store = new PostgresProcessedEvents(dataSource, schema);
  });

  afterAll(async () => {
    await dropTestSchema(dataSource, schema);
  });

  const applyInto = (eventId: string) => (tx: { query(sql: string, p: unknown[]): Promise<unknown> }) =>
    tx.query(`INSERT INTO "${schema}".applied (event_id) VALUES ($1)`, [eventId]).then(() => undefined);

  it('applies an event once per consumer, in the transaction of the change', async () => {
    const id = randomUUID();
    expect(await store.runOnce('registry-view', id, applyInto(id))).toBe('applied');
    expect(await store.runOnce('registry-view', id, applyInto(id))).toBe('duplicate');
    expect(await store.runOnce('another-view', id, applyInto(id))).toBe('applied');
    const rows = await dataSource.query<unknown[]>(`SELECT 1 FROM "${schema}".applied WHERE event_id = $1`, [id]);
    expect(rows).toHaveLength(2);
  });

  it('records nothing when the change fails, so the redelivery applies it', async () => {
    const id = randomUUID();
    await expect(
      store.runOnce('registry-view', id, async (tx) => {
        await applyInto(id)(tx);
        throw new Error('constraint violated');
      }),
    ).rejects.toThrow('constraint violated');
    expect(await store.runOnce('registry-view', id, applyInto(id))).toBe('applied');
    const rows = await dataSource.query<unknown[]>(`SELECT 1 FROM "${schema}".applied WHERE event_id = $1`, [id]);
    expect(rows).toHaveLength(1);
  });

  it('forgets ids older than the retention, and only those', async () => {
    const old = randomUUID();
    const recent = randomUUID();
    await store.runOnce('registry-view', old, async () => undefined);
    await store.runOnce('registry-view', recent, async () => undefined);
    await dataSource.query(
      `UPDATE "${schema}".processed_event SET processed_at = now() - interval '8 days' WHERE event_id = $1`,
      [old],
    );
    expect(await store.purgeOlderThan(7)).toBe(1);
    expect(await store.runOnce('registry-view', recent, async () => undefined)).toBe('duplicate');
    expect(await store.runOnce('registry-view', old, async () => undefined)).toBe('applied');
  });
});
