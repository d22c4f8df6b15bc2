import { quoteIdentifier } from '../quote-identifier';

/**
 * DDL for the tables every Postgres-backed service keeps in its own schema: the outbox and the record of
 * events its consumers have applied. Services call this from a committed migration; a later change to these
 * tables is a new function (V2) and a new migration, never an edit of this one.
 */
export function messagingTablesV1(schema: string): { up: string[]; down: string[] } {
  const s = quoteIdentifier(schema);
  return {
    up: [
      `CREATE TABLE ${s}.outbox_event (
        seq           bigserial PRIMARY KEY,
        event_id      uuid,
        topic         text NOT NULL,
        message_key   text NOT NULL,
        shard         smallint NOT NULL,
        payload       jsonb,
        headers       jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at    timestamptz NOT NULL DEFAULT now(),
        published_at  timestamptz,
        attempts      integer NOT NULL DEFAULT 0,
        last_error    text
      )`,
      `CREATE UNIQUE INDEX outbox_event_event_id ON ${s}.outbox_event (event_id) WHERE event_id IS NOT NULL`,
      `CREATE INDEX outbox_event_pending ON ${s}.outbox_event (shard, seq) WHERE published_at IS NULL`,
      `CREATE INDEX outbox_event_published ON ${s}.outbox_event (published_at) WHERE published_at IS NOT NULL`,
      `CREATE TABLE ${s}.processed_event (
        consumer      text NOT NULL,
        event_id      uuid NOT NULL,
        processed_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`,
    ],
    down: [`DROP TABLE ${s}.processed_event`, `DROP TABLE ${s}.outbox_event`],
  };
}
