import { crc32 } from 'node:zlib';

/**
 * Outbox rows are spread over a fixed number of shards by (topic, key). One relay at a time holds a shard, so
 * rows of one key are always published by one relay, in order, while different shards go out in parallel.
 * Changing this number reorders nothing already published, but rows pending during the change could be split
 * across shards: change it only with the outbox drained.
 */
export const OUTBOX_SHARDS = 16;

export function outboxShard(topic: string, key: string): number {
  return crc32(`${topic}\u0000${key}`) % OUTBOX_SHARDS;
}

/** A signed 32-bit number derived from a text, for the two-key form of Postgres advisory locks. */
export function lockKey(text: string): number {
  return crc32(text) | 0;
}

export function outboxChannel(schema: string): string {
  const channel = `tessera_outbox_${schema}`;
  // Postgres truncates LISTEN channels silently but refuses long pg_notify channels: never let them differ.
  if (channel.length > 63) throw new Error(`schema name too long for an outbox channel: ${schema}`);
  return channel;
}
